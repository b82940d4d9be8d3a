#!/usr/bin/python3
# Regenerate the jieba parity fixtures (run from the repository root):
#
#   apt-get install -y python3-jieba        # Debian 12: python3-jieba 0.42.1-3
#   /usr/bin/python3 scripts/gen-jieba-fixture.py
#
# Writes, from Python jieba 0.42.1 (precise mode with HMM, `list(jieba.cut(text))`):
#   test/fixtures/jieba/segments.jsonl  one {"text": ..., "tokens": [...]} per line
#   test/fixtures/jieba/log.json        math.log of every distinct dictionary frequency
# The strings are generated deterministically (fixed seed), so re-running the command gives
# byte-identical files.
import json
import math
import os
import random
import re
import sys

import jieba

SEED = 20240601
OUT_DIR = os.path.join('test', 'fixtures', 'jieba')

# Hand-written sentences in the register LongBench's Chinese datasets and model answers use.
SENTENCES = [
    '我来到北京清华大学',
    '他来到了网易杭研大厦',
    '小明硕士毕业于中国科学院计算所，后在日本京都大学深造',
    '根据文章内容，作者认为城市化进程中最重要的问题是住房价格过高。',
    '答案是：北京。',
    '这篇报告主要讨论了2023年第三季度的经济增长情况，GDP同比增长4.9%。',
    '会议于下午三点在三号会议室召开，张经理主持了会议并总结了上半年的工作。',
    '南京市长江大桥于1968年建成通车，是长江上第一座由中国自行设计建造的双层铁路、公路两用桥。',
    '研究表明，每天步行30分钟可以显著降低心血管疾病的风险。',
    '小说的主人公林冲原是八十万禁军教头，后来被逼上梁山。',
    '用户询问如何退货，客服回答需要在七天内提交申请并保持商品完好。',
    '本文提出了一种基于Transformer的长文本建模方法，在LongBench上取得了SOTA结果。',
    '他说：“我们明天早上8:30出发，请大家准时集合。”',
    '据新华社报道，国务院总理主持召开国务院常务会议，部署进一步稳就业的措施。',
    '这款手机搭载了骁龙8 Gen 3处理器，售价为3999元。',
    '问题：文中提到的第一个实验的样本量是多少？回答：1200人。',
    '工信处女干事每月经过下属科室都要亲口交代24口交换机等技术性器件的安装工作',
    '结婚的和尚未结婚的',
    '吴国的孙权和蜀国的刘备联合起来，在赤壁之战中打败了曹操。',
    '请将以下段落翻译成英文：今天天气很好，我们去公园散步吧。',
    '段落3中提到，该公司的营业收入在过去五年中增长了近两倍。',
    '患者男性，65岁，因反复胸闷气短3年，加重1周入院，B超检查提示左心室肥厚。',
    '根据合同第十二条的规定，乙方应当在收到货款后十五个工作日内交付全部货物。',
    '人工智能技术的快速发展给教育、医疗、金融等行业带来了深刻变革。',
    '李白，字太白，号青莲居士，唐代伟大的浪漫主义诗人，被后人誉为“诗仙”。',
    '我们在4S店买了一辆SUV，T恤衫是送的赠品。',
    '上海浦东新区陆家嘴金融贸易区是中国重要的金融中心之一。',
    '该算法的时间复杂度为O(n log n)，空间复杂度为O(n)。',
    '总结：本次调查共回收有效问卷2,345份，有效率为93.8%。',
    '王小明同学在全国中学生数学奥林匹克竞赛中获得一等奖。',
    '长江三峡水利枢纽工程是当今世界上最大的水利发电工程。',
    '他一边吃饭一边看新闻，突然听到门外有人敲门。',
    '对不起，我无法回答这个问题，因为文章中没有提供相关信息。',
    '该药品的主要成分为阿莫西林，每日三次，每次0.5克。',
    '北京时间2024年3月15日晚，中国女排以3比1战胜对手。',
    '乒乓球拍卖完了',
    '研究生命起源',
    '中华人民共和国成立于1949年10月1日。',
    '“一带一路”倡议提出十年来，已有150多个国家参与合作。',
    '她把自己的想法写在了日记本里，谁也没有告诉。',
    '微软公司的创始人比尔·盖茨曾经是世界首富。',
    '深度学习模型通常需要大量的标注数据和计算资源。',
    '这条河的下游有一座古老的石桥，据说建于明朝万历年间。',
    '孩子们在操场上踢足球，老师在一旁看着他们。',
    '该市计划在未来三年内新建50所中小学，增加学位6万个。',
    '请问从上海到杭州坐高铁需要多长时间？大约一个小时。',
    '这部电影讲述了一个普通家庭在大时代变迁中的悲欢离合。',
    '公司董事会决定聘任刘强为首席执行官，任期三年。',
    '下雨天留客天留我不留',
    '南京市长江大桥',
    '他说的确实在理',
    '化妆和服装',
    '张三和李四是大学同学，毕业后一起创办了一家软件公司。',
    '氨基酸是构成蛋白质的基本单位，人体需要二十种氨基酸。',
    '经审理查明，被告人于2019年5月至2020年8月期间多次盗窃他人财物。',
    '习近平总书记在党的二十大报告中指出，要加快建设教育强国、科技强国、人才强国。',
    '以下是对话的摘要：客户投诉快递延误，客服表示会尽快处理并给予补偿。',
    '鲁迅的《狂人日记》是中国现代文学史上第一篇白话小说。',
    '数据显示，2022年全国居民人均可支配收入36883元，比上年增长5.0%。',
    '他毕业于哈尔滨工业大学，现任华为技术有限公司高级工程师。',
    '今天的会议到此结束，谢谢大家！',
    '甲乙双方经友好协商，就房屋租赁事宜达成如下协议。',
    '在量子力学中，海森堡不确定性原理指出粒子的位置和动量不能同时被精确测量。',
    '黄河是中华民族的母亲河，全长约5464公里。',
    '东汉末年，天下大乱，群雄并起。',
    '李明说他明天不来了，让我们不要等他。',
    '综上所述，原告的诉讼请求缺乏事实和法律依据，本院不予支持。',
    '这个问题的答案在第5段和第12段中都有提及。',
    '蔡徐坤和易烊千玺参加了春节联欢晚会的彩排。',
    '我想吃麻辣烫、螺蛳粉和肉夹馍。',
    '欧阳修的《醉翁亭记》中有“醉翁之意不在酒”的名句。',
    '2019年新型冠状病毒肺炎疫情暴发后，全球经济遭受重创。',
    '百度、阿里巴巴和腾讯被合称为BAT。',
    '我用Python3.8写了一个爬虫，抓取了10000条数据。',
    '本产品适用于18岁以上成年人，孕妇及哺乳期妇女慎用。',
    '小王的电话号码是138-1234-5678，邮箱是xiaowang@example.com。',
    '秦始皇统一六国后，实行了书同文、车同轨的政策。',
    '古丽娜扎尔和迪丽热巴都来自新疆维吾尔自治区。',
    '云南省西双版纳傣族自治州以热带雨林闻名。',
    '该研究获得国家自然科学基金（批准号：62076001）资助。',
]

# Strings whose best route is decided by the last bit of math.log (found by searching all
# overlapping pairs of dictionary words: V8's Math.log segments these differently).
LOG_SENSITIVE = ['今是昔非昔是今', '水宿风餐风宿水', '爱我所爱我所爱', '讹以滋讹以滋讹']

ASCII_BITS = [
    'a', 'B', 'abc', 'Hello', 'world', 'iPhone', 'iPhone12', 'GPT-4', 'ChatGPT', 'C++', 'C#',
    'F#', 'AT&T', 'R&D', 'x_y', 'foo_bar', 'a-b', 'e-mail', '3.14', '3.14%', '50%', '0.5',
    '100', '2024', '1.2.3', 'v1.2.3', '12.5.6%', '.5', '5.', '%', '%%', '+', '++', '#', '&',
    '_', '-', '--', '.', '...', 'A.B', 'T', 'S', 'B', 'USB3.0', 'http', 'www.example.com',
    'x@y.z', '1e10', '3.14.15', '99.9%', '1,000', 'Mr.', 'U.S.', 'OK', 'ok', '4S', '4s',
    'CPU', 'GPU', 'LongBench', 'GLM-4', 'COVID-19', '5G', 'Wi-Fi', 'NBA', 'APP', 'app',
]

# Python's re \s (str patterns), plus lookalikes it does NOT treat as whitespace.
PY_SPACES = ['\t', '\n', '\x0b', '\x0c', '\r', '\x1c', '\x1d', '\x1e', '\x1f', ' ', '\x85',
             '\xa0', '\u1680'] + [chr(c) for c in range(0x2000, 0x200b)] + [
             '\u2028', '\u2029', '\u202f', '\u205f', '\u3000']
NOT_SPACES = ['\ufeff', '\u200b', '\u180e', '\u200c', '\u200d', '\u2060', '\x00', '\x7f',
              '\x80', '\x9f']
WHITESPACE = PY_SPACES + NOT_SPACES + ['\r\n', '\r\n\r\n', '\r\r\n', '\n\r', '  ', '\t\t']

FULLWIDTH = [chr(c) for c in range(0xFF10, 0xFF1A)] + [chr(c) for c in range(0xFF21, 0xFF3B)] + \
    [chr(c) for c in range(0xFF41, 0xFF5B)] + list('，。！？、；：“”‘’（）《》【】—…·～￥％＃＆＋－．＿')
PUNCT = list(',.!?;:\'"()[]{}<>/\\|@$^*=~`') + list('，。！？、；：“”‘’（）《》【】—…·')
ASTRAL = ['😀', '👍', '👍🏽', '👨\u200d👩\u200d👧', '🇨🇳', '𠮷', '𪚥', '𝄞', '🀄', '\U00020000',
          '\U0002A6D6', '\U0002B740', '\U00030000', '\U0010FFFD']
LONE_SURROGATES = ['\ud800', '\udc00', '\udbff', '\udfff']
DIGITS_ND = ['٣', '۴', '९', '๕', '１', '𝟘']  # Unicode Nd outside ASCII


def han_range(lo, hi):
    return [chr(c) for c in range(lo, hi + 1)]


HAN_MAIN = han_range(0x4E00, 0x9FD5)
HAN_OUTSIDE = han_range(0x9FD6, 0x9FFF) + han_range(0x3400, 0x4DBF) + han_range(0xF900, 0xFAFF) + \
    ['\u3007', '\u2E80', '\u31C0'] + [chr(c) for c in range(0x20000, 0x20100)]


def main():
    if jieba.__version__ != '0.42.1':
        sys.exit('expected jieba 0.42.1, found %s' % jieba.__version__)
    jieba.setLogLevel(60)
    jieba.initialize()
    rng = random.Random(SEED)
    freq = jieba.dt.FREQ
    words = sorted(w for w, f in freq.items() if f > 0)
    common = sorted(w for w, f in freq.items() if f >= 1000)
    hmm_chars = sorted(set(jieba.finalseg.emit_P['S']) | set(jieba.finalseg.emit_P['B']))
    hmm_chars = [c for c in hmm_chars if '\u4e00' <= c <= '\u9fd5']
    # Single characters that are dictionary words or bare prefixes: they end up buffered.
    singles = sorted(w for w in freq if len(w) == 1 and '\u4e00' <= w <= '\u9fd5')

    texts = []

    def add(t):
        texts.append(t)

    # 1. Fixed cases: empty string, every kind of space and special character on its own.
    add('')
    for s in LOG_SENSITIVE + WHITESPACE + FULLWIDTH + PUNCT + ASTRAL + LONE_SURROGATES + DIGITS_ND + ASCII_BITS:
        add(s)
    for c in range(0x20, 0x7f):
        add('中' + chr(c) + '文' + chr(c) + chr(c) + 'x')
    for s in PY_SPACES + NOT_SPACES:
        add('北京' + s + '大学' + s + 'abc' + s + s + '3.14%')

    # 2. The hand-written sentences, alone and spliced.
    for s in SENTENCES:
        add(s)
        add(s.replace('，', ' ').replace('。', '\r\n'))
    for _ in range(700):
        parts = rng.sample(SENTENCES, rng.randint(1, 3))
        sep = rng.choice(['', '', ' ', '\n', '\r\n', '\u3000', '\t', '。', '\x85', '\ufeff'])
        t = sep.join(parts)
        t = mutate(rng, t, words)
        add(t[: rng.randint(5, 80)] if rng.random() < 0.6 else t)

    # 3. Random dictionary words, glued together so the DAG has to choose.
    for _ in range(1300):
        n = rng.randint(1, 8)
        pool = common if rng.random() < 0.5 else words
        glue = '' if rng.random() < 0.8 else rng.choice(['', ' ', '，', '的', 'a', '1'])
        add(glue.join(rng.choice(pool) for _ in range(n)))

    # 4. Random characters in HMM territory: unknown runs, rare and unseen characters.
    for _ in range(500):
        add(''.join(rng.choice(hmm_chars) for _ in range(rng.randint(1, 15))))
    for _ in range(300):
        add(''.join(rng.choice(HAN_MAIN) for _ in range(rng.randint(1, 12))))
    for _ in range(300):
        add(''.join(rng.choice(singles) for _ in range(rng.randint(2, 10))))
    for _ in range(300):
        pool = [HAN_MAIN, HAN_OUTSIDE, hmm_chars, ASTRAL, FULLWIDTH]
        add(''.join(rng.choice(rng.choice(pool)) for _ in range(rng.randint(1, 12))))

    # 5. ASCII inside Han runs: reaches finalseg's re_skip when buffered.
    for _ in range(700):
        out = []
        for _ in range(rng.randint(1, 10)):
            r = rng.random()
            if r < 0.35:
                out.append(rng.choice(hmm_chars))
            elif r < 0.5:
                out.append(rng.choice(common))
            elif r < 0.75:
                out.append(rng.choice(ASCII_BITS))
            elif r < 0.85:
                out.append(rng.choice('abcXYZ0123456789+#&._%-'))
            elif r < 0.92:
                out.append('%d.%d%s' % (rng.randint(0, 999), rng.randint(0, 99), rng.choice(['', '%', '.5'])))
            else:
                out.append(rng.choice(DIGITS_ND + FULLWIDTH))
        add(''.join(out))

    # 6. Everything mixed: spaces, punctuation, astral characters, lone surrogates.
    everything = [lambda: rng.choice(words), lambda: rng.choice(common),
                  lambda: rng.choice(hmm_chars), lambda: rng.choice(HAN_MAIN),
                  lambda: rng.choice(HAN_OUTSIDE), lambda: rng.choice(ASCII_BITS),
                  lambda: rng.choice(WHITESPACE), lambda: rng.choice(FULLWIDTH),
                  lambda: rng.choice(PUNCT), lambda: rng.choice(ASTRAL),
                  lambda: rng.choice(DIGITS_ND)]
    for _ in range(1000):
        t = ''.join(rng.choice(everything)() for _ in range(rng.randint(1, 12)))
        if rng.random() < 0.03:
            t += rng.choice(LONE_SURROGATES)
        add(t)

    # 7. A few long texts, as long answers are.
    for _ in range(25):
        parts = []
        while sum(map(len, parts)) < rng.randint(300, 900):
            r = rng.random()
            if r < 0.6:
                parts.append(rng.choice(SENTENCES))
            elif r < 0.9:
                parts.append(''.join(rng.choice(common) for _ in range(rng.randint(1, 6))) + '，')
            else:
                parts.append(rng.choice(everything)())
        add(''.join(parts))

    os.makedirs(OUT_DIR, exist_ok=True)
    seen = set()
    n = 0
    with open(os.path.join(OUT_DIR, 'segments.jsonl'), 'w', encoding='utf-8', newline='\n') as f:
        for t in texts:
            if t in seen:
                continue
            seen.add(t)
            tokens = list(jieba.cut(t))
            assert ''.join(tokens) == t
            line = json.dumps({'text': t, 'tokens': tokens}, ensure_ascii=False)
            try:
                line.encode('utf-8')
            except UnicodeEncodeError:  # lone surrogates: only \u escapes can carry them
                line = json.dumps({'text': t, 'tokens': tokens}, ensure_ascii=True)
            # Invisible characters are escaped so the file stays readable and no line-based
            # tool splits a record at U+0085/U+2028/U+2029 (they only occur inside strings).
            line = INVISIBLE.sub(lambda m: '\\u%04x' % ord(m.group()), line)
            f.write(line + '\n')
            n += 1

    total = jieba.dt.total
    logs = sorted({f for f in freq.values() if f > 0} | {1})
    with open(os.path.join(OUT_DIR, 'log.json'), 'w', encoding='utf-8', newline='\n') as f:
        json.dump({'total': total, 'logTotal': math.log(total),
                   'entries': len(freq),
                   'log': [[x, math.log(x)] for x in logs]}, f, separators=(',', ':'))
        f.write('\n')
    print('wrote %d segment cases and %d logs to %s' % (n, len(logs), OUT_DIR))


INVISIBLE = re.compile('[\x7f-\xa0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f'
                       '\u3000\ufeff]')


def mutate(rng, t, words):
    """Random small edits: swap in spaces, ASCII, digits, a dictionary word."""
    chars = list(t)
    for _ in range(rng.randint(0, 3)):
        if not chars:
            break
        i = rng.randrange(len(chars))
        r = rng.random()
        if r < 0.3:
            chars[i] = rng.choice(WHITESPACE)
        elif r < 0.5:
            chars[i] = rng.choice(ASCII_BITS)
        elif r < 0.7:
            chars.insert(i, rng.choice(words))
        elif r < 0.85:
            chars[i] = rng.choice(FULLWIDTH + ASTRAL)
        else:
            del chars[i]
    return ''.join(chars)


if __name__ == '__main__':
    main()
