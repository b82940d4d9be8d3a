// Writes evalh's built-in LongBench sample (benchmarks/longbench/sample/): a few items per
// dataset in the official record format, written for evalh — NOT the official benchmark.
// Run: node scripts/make-longbench-sample.mjs
import { mkdirSync, writeFileSync } from 'node:fs';

const out = new URL('../benchmarks/longbench/sample/', import.meta.url);
mkdirSync(out, { recursive: true });

const en = [
  'The lighthouse on Gray Island was built in 1871 by the engineer Martha Cole.',
  'Its lamp burned whale oil until 1902, when the keepers switched to kerosene.',
  'The island lies nine miles off the coast and is reachable only by the mail boat.',
  'In 1938 a storm destroyed the keeper\'s house, and the station was automated soon after.',
  'Today the tower is a museum run by the Gray Island Historical Society.',
];
const zh = [
  '青石镇位于江南水乡，镇上有一座建于明代的石拱桥，名叫望月桥。',
  '每年农历八月，镇上都会举办赏月节，吸引大批游客前来观光。',
  '镇上的特产是桂花糕，由老字号沈记糕点铺制作，已有一百二十年历史。',
  '二零一五年，青石镇被评为省级历史文化名镇。',
  '镇政府计划明年修缮古街，并新建一座民俗博物馆。',
];

const qaEn = [
  { q: 'Who built the lighthouse on Gray Island?', a: ['Martha Cole'] },
  { q: 'What fuel did the lamp use after 1902?', a: ['kerosene', 'Kerosene'] },
  { q: 'Who runs the museum in the tower today?', a: ['the Gray Island Historical Society'] },
];
const qaZh = [
  { q: '青石镇的石拱桥叫什么名字？', a: ['望月桥'] },
  { q: '桂花糕由哪家店制作？', a: ['沈记糕点铺'] },
  { q: '青石镇哪一年被评为省级历史文化名镇？', a: ['二零一五年'] },
];

function rec(dataset, i, fields) {
  return {
    input: '',
    context: '',
    answers: [],
    length: 0,
    dataset,
    language: 'en',
    all_classes: null,
    _id: `evalh-sample-${dataset}-${i}`,
    ...fields,
  };
}

const words = (s) => s.split(/\s+/).filter(Boolean).length;
const chars = (s) => [...s].length;

function qa(dataset, lang, i) {
  const bank = lang === 'zh' ? zh : en;
  const item = (lang === 'zh' ? qaZh : qaEn)[i % 3];
  const context = bank.join(lang === 'zh' ? '' : ' ');
  return rec(dataset, i, { input: item.q, context, answers: item.a, language: lang, length: lang === 'zh' ? chars(context) : words(context) });
}

function summary(dataset, lang, i) {
  const bank = lang === 'zh' ? zh : en;
  const context = bank.slice(i % 2).join(lang === 'zh' ? '' : '\n');
  const answer =
    lang === 'zh'
      ? '青石镇是江南历史文化名镇，有明代望月桥和百年老店沈记的桂花糕，镇政府计划修缮古街并新建博物馆。'
      : 'The Gray Island lighthouse, built by Martha Cole in 1871, switched from whale oil to kerosene, was automated after a 1938 storm, and is now a museum.';
  const input = dataset === 'qmsum' ? 'Summarize the history of the lighthouse.' : dataset === 'samsum' ? 'Anna: Are you coming tonight?\nBen: Yes, at eight.\nSummary: ' : '';
  const samsumAnswer = 'Ben is coming tonight at eight.';
  return rec(dataset, i, { input, context, answers: [dataset === 'samsum' ? samsumAnswer : answer], language: lang, length: lang === 'zh' ? chars(context) : words(context) });
}

const trecClasses = ['Abbreviation', 'Animal', 'Description', 'Manner', 'Definition', 'City', 'Individual', 'Date', 'Count'];
const lshtClasses = ['体育', '财经', '科技', '娱乐', '教育'];

const writers = {
  narrativeqa: (i) => qa('narrativeqa', 'en', i),
  qasper: (i) => qa('qasper', 'en', i),
  multifieldqa_en: (i) => qa('multifieldqa_en', 'en', i),
  multifieldqa_zh: (i) => qa('multifieldqa_zh', 'zh', i),
  hotpotqa: (i) => qa('hotpotqa', 'en', i),
  '2wikimqa': (i) => qa('2wikimqa', 'en', i),
  musique: (i) => qa('musique', 'en', i),
  dureader: (i) => qa('dureader', 'zh', i),
  gov_report: (i) => summary('gov_report', 'en', i),
  qmsum: (i) => summary('qmsum', 'en', i),
  multi_news: (i) => summary('multi_news', 'en', i),
  vcsum: (i) => summary('vcsum', 'zh', i),
  trec: (i) => {
    const qs = [
      ['How many miles off the coast is Gray Island?', 'Count'],
      ['Who built the lighthouse?', 'Individual'],
      ['When was the keeper\'s house destroyed?', 'Date'],
    ];
    const context = 'Question: What does NASA stand for?\nType: Abbreviation\nQuestion: What is a lighthouse?\nType: Definition\n';
    return rec('trec', i, { input: qs[i % 3][0], context, answers: [qs[i % 3][1]], all_classes: trecClasses, length: words(context) });
  },
  triviaqa: (i) => {
    const item = qaEn[i % 3];
    const context = `Passage: ${en.join(' ')}\nQuestion: In which year was the lighthouse built?\nAnswer: 1871\n\n`;
    return rec('triviaqa', i, { input: `Passage: ${en.join(' ')}\nQuestion: ${item.q}\nAnswer:`, context, answers: item.a, length: words(context) });
  },
  samsum: (i) => summary('samsum', 'en', i),
  lsht: (i) => {
    const items = [
      ['新闻：本赛季联赛最后一轮，主队以二比一战胜客队，成功夺冠。', '体育'],
      ['新闻：央行今日宣布下调存款准备金率零点五个百分点。', '财经'],
      ['新闻：某公司发布新一代手机芯片，性能提升三成。', '科技'],
    ];
    const context = '新闻：歌手在北京举办演唱会，现场座无虚席。\n类别：娱乐\n新闻：教育部发布高考改革方案。\n类别：教育\n';
    return rec('lsht', i, { input: items[i % 3][0], context, answers: [items[i % 3][1]], all_classes: lshtClasses, language: 'zh', length: chars(context) });
  },
  passage_count: (i) => {
    const paras = [en[0], en[1], en[0], en[2], en[1]].slice(0, 3 + (i % 3));
    const unique = new Set(paras).size;
    const context = paras.map((p, k) => `Paragraph ${k + 1}: ${p}`).join('\n\n');
    return rec('passage_count', i, { context, answers: [String(unique)], length: words(context) });
  },
  passage_retrieval_en: (i) => {
    const context = en.map((p, k) => `Paragraph ${k + 1}: ${p}`).join('\n\n');
    const k = (i * 2) % en.length;
    return rec('passage_retrieval_en', i, { input: en[k], context, answers: [`Paragraph ${k + 1}`], length: words(context) });
  },
  passage_retrieval_zh: (i) => {
    const context = zh.map((p, k) => `段落${k + 1}：${p}`).join('\n\n');
    const k = (i * 2 + 1) % zh.length;
    return rec('passage_retrieval_zh', i, { input: zh[k], context, answers: [`段落${k + 1}`], language: 'zh', length: chars(context) });
  },
  lcc: (i) => {
    const lines = ['def area(width, height):', '    """Area of a rectangle."""', '    result = width * height', '    return result', '', 'def perimeter(width, height):'];
    const next = ['    return 2 * (width + height)', '    total = width + height', '    return total * 2'];
    const context = lines.join('\n') + '\n';
    return rec('lcc', i, { context, answers: [next[i % 3]], language: 'python', length: words(context) });
  },
  'repobench-p': (i) => {
    const context = '# path: geometry/shapes.py\nclass Rect:\n    def __init__(self, w, h):\n        self.w = w\n        self.h = h\n';
    const input = 'from geometry.shapes import Rect\nr = Rect(3, 4)\n';
    const next = ['area = r.w * r.h', 'print(r.w, r.h)', 'r.w = r.w + 1'];
    return rec('repobench-p', i, { input, context, answers: [next[i % 3]], language: 'python', length: words(context) + words(input) });
  },
};

const eDatasets = ['qasper', 'multifieldqa_en', 'hotpotqa', '2wikimqa', 'gov_report', 'multi_news', 'trec', 'triviaqa', 'samsum', 'passage_count', 'passage_retrieval_en', 'lcc', 'repobench-p'];
// LongBench-E buckets items by the record's length field; the sample's contexts are short,
// so it declares lengths in each bucket to exercise the bucketing (sample data only).
const eLengths = [1800, 5600, 9400];

for (const [name, make] of Object.entries(writers)) {
  const items = [0, 1, 2].map(make);
  writeFileSync(new URL(`${name}.jsonl`, out), items.map((r) => JSON.stringify(r)).join('\n') + '\n');
  if (eDatasets.includes(name)) {
    const eItems = [0, 1, 2].map((i) => ({ ...make(i), length: eLengths[i], _id: `evalh-sample-${name}-e-${i}` }));
    writeFileSync(new URL(`${name}_e.jsonl`, out), eItems.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
}
console.log('sample written');
