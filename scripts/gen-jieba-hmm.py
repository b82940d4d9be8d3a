#!/usr/bin/python3
# Regenerate src/text/jieba/hmm.json (run from the repository root):
#
#   apt-get install -y python3-jieba        # Debian 12: python3-jieba 0.42.1-3
#   /usr/bin/python3 scripts/gen-jieba-hmm.py
#
# /usr/bin/python3 on purpose: python3-jieba lives in Debian's dist-packages, which a pyenv or
# venv python3 earlier on PATH does not see.
#
# The HMM tables of jieba's finalseg (the BMES model used for words missing from the
# dictionary) exist at full float64 precision only in the Python package, so they are dumped
# from there. Python's float repr is the shortest string that round-trips, and JSON.parse
# reads it back to the same float64, so the TypeScript side sees bit-identical numbers.
#
# Layout (compact, chosen so the loader can fill typed arrays without per-key objects):
#   {"version": "0.42.1",
#    "states": "BEMS",
#    "start": [B, E, M, S],
#    "trans": {"B": {"E": p, "M": p}, ...},          # only the pairs Python has
#    "emit":  {"B": ["<chars>", [p0, p1, ...]], ...}} # p_i belongs to the i-th code point
# -3.14e+100 (finalseg.MIN_FLOAT) is written as the ordinary number it is.
import json
import math
import os
import sys

import jieba
from jieba.finalseg import MIN_FLOAT
from jieba.finalseg.prob_emit import P as emit_p
from jieba.finalseg.prob_start import P as start_p
from jieba.finalseg.prob_trans import P as trans_p

STATES = 'BEMS'
OUT = os.path.join('src', 'text', 'jieba', 'hmm.json')


def main():
    if jieba.__version__ != '0.42.1':
        sys.exit('expected jieba 0.42.1, found %s' % jieba.__version__)
    if MIN_FLOAT != -3.14e100:
        sys.exit('unexpected MIN_FLOAT %r' % MIN_FLOAT)
    assert sorted(start_p) == sorted(trans_p) == sorted(emit_p) == sorted(STATES)

    emit = {}
    for state in STATES:
        chars = ''.join(emit_p[state].keys())
        probs = list(emit_p[state].values())
        assert len(chars) == len(probs)
        emit[state] = [chars, probs]

    doc = {
        'version': jieba.__version__,
        'states': STATES,
        'start': [start_p[s] for s in STATES],
        'trans': {s: dict(trans_p[s]) for s in STATES},
        'emit': emit,
    }
    for value in iter_floats(doc):
        assert math.isfinite(value)
    text = json.dumps(doc, ensure_ascii=False, separators=(',', ':'))

    # Prove the file carries exactly the tables Python uses.
    back = json.loads(text)
    assert back['start'] == [start_p[s] for s in STATES]
    assert back['trans'] == trans_p
    for state in STATES:
        chars, probs = back['emit'][state]
        assert dict(zip(chars, probs)) == emit_p[state]

    with open(OUT, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)
        f.write('\n')
    print('wrote %s (%d bytes)' % (OUT, len(text.encode('utf-8')) + 1))


def iter_floats(node):
    if isinstance(node, float):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from iter_floats(v)
    elif isinstance(node, list):
        for v in node:
            yield from iter_floats(v)


if __name__ == '__main__':
    main()
