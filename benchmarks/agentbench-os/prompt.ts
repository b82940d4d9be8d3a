import type { ChatTurn } from '../../runners/types.js';

// The opening conversation of AgentBench v0.2 os_interaction (src/server/tasks/os_interaction/task.py):
// the instruction with the one-shot question, the example episode, then the item's problem.
// Upstream's "agent" role is the assistant turn here. Any change here changes scores: it is in
// the run's fingerprint (PROMPT_VERSION).

export const PROMPT_VERSION = 'agentbench-v0.2-os-oneshot';

export const INSTRUCTION =
  'You are an assistant that will act like a person, I will play the role of linux(ubuntu) operating system. Your goal is to implement the operations required by me or answer to the question proposed by me. For each of your turn, you should first think what you should do, and then take exact one of the three actions: "bash", "finish" or "answer". \n\n' +
  '1. If you think you should execute some bash code, take bash action, and you should print like this:\n\n' +
  'Think: put your thought here.\n\nAct: bash\n\n```bash\n# put your bash code here\n```\n\n' +
  '2. If you think you have finished the task, take finish action, and you should print like this:\n\n' +
  'Think: put your thought here.\n\nAct: finish\n\n' +
  '3. If you think you have got the answer to the question, take answer action, and you should print like this:\n\n' +
  'Think: put your thought here.\n\nAct: answer(Your answer to the question should be put in this pair of parentheses)\n\n' +
  'If the output is too long, I will truncate it. The truncated output is not complete. You have to deal with the truncating problem by yourself. Attention, your bash code should not contain any input operation. Once again, you should take only exact one of the three actions in each turn.\n\n';

export const ONE_SHOT: ChatTurn[] = [
  { role: 'user', content: 'tell me how many files are in the directory "/etc"?' },
  {
    role: 'assistant',
    content: 'Think: To count the files in /etc, I need to print all the files in it.\n\nAct: bash\n\n```bash\nls /etc\n```',
  },
  {
    role: 'user',
    content: 'The output of the OS:\ncpi cron.hourly fuse.conf iproute2 lvm networkd-dispatcher protocols selinux tmpfiles.d [truncated because the output is too long]',
  },
  {
    role: 'assistant',
    content: 'Think: The output has been truncated because it is too long, so I need to count files by script directly.\n\nAct: bash\n\n```bash\nls -1 /etc | wc -l\n```',
  },
  { role: 'user', content: 'The output of the OS:\n220' },
  { role: 'assistant', content: 'Think: Now I get the answer, it is 220.\n\nAct: answer(220)' },
];

/** The conversation the model sees before its first turn; ends with the problem as a user turn. */
export function openingTurns(description: string): ChatTurn[] {
  return [
    { role: 'user', content: `${INSTRUCTION}Now, my problem is:\n\n${ONE_SHOT[0]!.content}` },
    ...ONE_SHOT.slice(1).map((t) => ({ ...t })),
    { role: 'user', content: `Now, I will start a new problem in a new OS. My problem is:\n\n${description}` },
  ];
}
