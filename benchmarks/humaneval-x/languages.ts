// HumanEval-X (Zheng et al., 2023; THUDM/CodeGeeX and CodeGeeX2), as its evaluation scripts
// define it. One row per language: the task_id prefix, the data file names and the fence
// tag of the reference answer; then the lists the official harness prepends to programs.
//
// No stop strings are sent: the official stopping rules (brace balance, an unindented line)
// are not strings and run as post-processing (clean.ts), and the two that are strings
// ("\nint main()", "\nfunc main(") would cut a chat answer's fenced block short under
// `--api chat`, where the official instruction mode stops on nothing.

export type Language = 'python' | 'cpp' | 'java' | 'js' | 'go';

export interface LanguageSpec {
  name: Language;
  /** task_id prefix: "Python/0", "CPP/0", "Java/0", "JavaScript/0", "Go/0". */
  prefix: string;
  /** File names a data folder may hold for this language, first match wins. */
  files: string[];
  /** Fence tag of the built-in reference answer (any tag is accepted in model output). */
  fence: string;
}

const files = (lang: string) => [`humaneval_${lang}.jsonl.gz`, `humaneval_${lang}.jsonl`, `humanevalx_${lang}.jsonl.gz`, `humanevalx_${lang}.jsonl`];

//                                name      prefix        files                   fence
export const LANGUAGES: readonly LanguageSpec[] = [
  { name: 'python', prefix: 'Python',     files: files('python'), fence: 'python' },
  { name: 'cpp',    prefix: 'CPP',        files: files('cpp'),    fence: 'cpp' },
  { name: 'java',   prefix: 'Java',       files: files('java'),   fence: 'java' },
  { name: 'js',     prefix: 'JavaScript', files: files('js'),     fence: 'javascript' },
  { name: 'go',     prefix: 'Go',         files: files('go'),     fence: 'go' },
];

export const LANGUAGE_NAMES: readonly Language[] = LANGUAGES.map((l) => l.name);

const byName = new Map(LANGUAGES.map((l) => [l.name, l]));
const byPrefix = new Map(LANGUAGES.map((l) => [l.prefix, l]));

export function languageSpec(name: string): LanguageSpec | undefined {
  return byName.get(name as Language);
}

/** "CPP/12" → cpp; undefined for an unknown prefix. */
export function languageOfTask(taskId: string): Language | undefined {
  const slash = taskId.indexOf('/');
  return slash < 0 ? undefined : byPrefix.get(taskId.slice(0, slash))?.name;
}

/** "CPP/12" → "12" (the part after the prefix). */
export function taskNumber(taskId: string): string {
  return taskId.slice(taskId.indexOf('/') + 1);
}

/** Item id of sample k of a problem: "cpp/12#3". */
export function itemId(lang: Language, taskId: string, k: number): string {
  return `${lang}/${taskNumber(taskId)}#${k}`;
}

// The official IMPORT_HELPER lists (CodeGeeX2 evaluation/utils.py), in their order.
export const PYTHON_IMPORTS: readonly string[] = [
  'import math',
  'import re',
  'import sys',
  'import copy',
  'import datetime',
  'import itertools',
  'import collections',
  'import heapq',
  'import statistics',
  'import functools',
  'import hashlib',
  'import numpy',
  'import numpy as np',
  'import string',
  'from typing import *',
  'from collections import *',
];

export const CPP_INCLUDES: readonly string[] = [
  '#include<stdlib.h>',
  '#include<algorithm>',
  '#include<math.h>',
  '#include<stdio.h>',
  '#include<vector>',
  '#include<string>',
  '#include<climits>',
  '#include<cstring>',
  '#include<iostream>',
];

export const GO_PACKAGES: readonly string[] = ['math', 'strings', 'fmt', 'strconv', 'time', 'bytes', 'regexp', 'sort', 'math/rand', 'crypto/md5'];

/** The official per-sample timeout (evaluation.py: timeout=5.0). */
export const TIMEOUT_S = 5;
