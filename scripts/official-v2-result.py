#!/usr/bin/env python3
"""LongBench v2's official scoring, reproduced for parity fixtures (THUDM/LongBench @ 2e00731).

Two steps, each exactly as the official scripts do them:

  fill  IN.jsonl   pred.py's tail: response = output.strip(); pred = extract_answer(response);
                   judge = pred == answer. Writes the result records (pred.py's
                   results/<model>.jsonl) to stdout.
  score FILE       result.py: per file, accuracy overall/easy/hard/short/medium/long, each
                   round(100*acc/n, 1) with Python's round (half-even on the float). Prints
                   result.txt's tab-separated table, then one JSON line with the numbers.

Usage (how test/fixtures/longbench-v2 was made):
  python3 scripts/official-v2-result.py fill test/fixtures/longbench-v2/responses.jsonl > test/fixtures/longbench-v2/results.jsonl
  python3 scripts/official-v2-result.py score test/fixtures/longbench-v2/results.jsonl > test/fixtures/longbench-v2/result.txt
"""
import json
import os
import re
import sys


def extract_answer(response):
    # pred.py's extract_answer
    response = response.replace('*', '')
    match = re.search(r'The correct answer is \(([A-D])\)', response)
    if match:
        return match.group(1)
    match = re.search(r'The correct answer is ([A-D])', response)
    if match:
        return match.group(1)
    return None


def fill(path):
    for line in open(path, encoding='utf-8'):
        if not line.strip():
            continue
        item = json.loads(line)
        response = item['output'].strip()
        del item['output']
        item['response'] = response
        item['pred'] = extract_answer(response)
        item['judge'] = item['pred'] == item['answer']
        sys.stdout.write(json.dumps(item, ensure_ascii=False) + '\n')


def score(filename):
    # result.py, for one file (compensated = False, its default)
    output = ["Model\tOverall\tEasy\tHard\tShort\tMedium\tLong"]
    compensated = False
    try:
        pred_data = json.load(open(filename, encoding='utf-8'))
    except Exception:
        pred_data = [json.loads(line) for line in open(filename, encoding='utf-8')]
    easy, hard, short, medium, long = 0, 0, 0, 0, 0
    easy_acc, hard_acc, short_acc, medium_acc, long_acc = 0, 0, 0, 0, 0
    for pred in pred_data:
        acc = int(pred['judge'])
        if compensated and pred["pred"] == None:
            acc = 0.25
        if pred["difficulty"] == "easy":
            easy += 1
            easy_acc += acc
        else:
            hard += 1
            hard_acc += acc
        if pred['length'] == "short":
            short += 1
            short_acc += acc
        elif pred['length'] == "medium":
            medium += 1
            medium_acc += acc
        else:
            long += 1
            long_acc += acc
    file = os.path.basename(filename)
    name = '.'.join(file.split('.')[:-1])
    cells = [round(100*(easy_acc+hard_acc)/len(pred_data), 1), round(100*easy_acc/easy, 1), round(100*hard_acc/hard, 1),
             round(100*short_acc/short, 1), round(100*medium_acc/medium, 1), round(100*long_acc/long, 1)]
    output.append(name + '\t' + '\t'.join(str(c) for c in cells))
    sys.stdout.write('\n'.join(output) + '\n')
    keys = ['overall', 'easy', 'hard', 'short', 'medium', 'long']
    sys.stdout.write(json.dumps(dict(zip(keys, cells))) + '\n')


if __name__ == '__main__':
    if len(sys.argv) != 3 or sys.argv[1] not in ('fill', 'score'):
        sys.exit(__doc__)
    (fill if sys.argv[1] == 'fill' else score)(sys.argv[2])
