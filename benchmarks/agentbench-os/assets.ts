import type { AssetSpec } from '../../src/assets.js';

// The official OS-interaction problem files of THUDM/AgentBench, branch v0.2 at commit 41e6807
// (the benchmark of the paper): dev.json (26) and the 144 test items in 1..7/*.json.
// `evalh data pull|add agentbench` registers them under the data directory's "agentbench" folder
// (shared with the DB task, whose files sit next to these).

export const ASSET_SUITE = 'agentbench';
const COMMIT = '41e6807349f741e06428fae3e9e4d334e7002362';

/** [path under data/os_interaction/data/, sha256, size]. */
const PINNED: [string, string, number][] = [
  ['dev.json', 'c5554248e6c1cb606e27d2f81025b751a490c9a5ccd37aabf4c86879a52e9274', 16209],
  ['1/stock.json', 'e52d47b06201d9cad170f446429cc384541a5344fbed1cf478d99cd357508040', 5462],
  ['2/environment.json', '4aea8438c25429144b856acb2159aab16d773519f29890dab156f04f38fdf2d5', 3181],
  ['3/ac.json', 'bc80aa92e75142b18b8c8158a2e059a45f158b303bea7249eaec1d0325e81b81', 2979],
  ['4/N11.json', 'fd288d038814c5ded8943763f96e001a3e36d5d3c7e7cca52dcd64ffe7f7241a', 628],
  ['4/N225.json', '36e92aeb36140d2c751558d7a63fc8e6275574e213789465fabbcffad64e94a2', 589],
  ['4/N37.json', '7372923d614b249e560311c1e61b1ab12afa1d5cbd955e77465d6abd74e9ddaf', 417],
  ['4/N4.json', '9a81d1f035de9de4a1495abcc85f7cede6f2c53783162f280ea98c76869f4393', 381],
  ['4/N41.json', 'eb179d6da5e905031a2fe3f2709ee5c3673f8066f484ba4d8e69952891ab165e', 2155],
  ['4/Q09.json', '757d5be008acc9eaedb664b053f324ab7d80da985453f3cf9921b18c61c7da94', 703],
  ['4/Q19.json', 'c80d9180a794f7c574cce319b23b335329e03caa553b51449cbda832589a932b', 575],
  ['4/Q30.json', 'd63aae719a83d31b7d632848930ab8b8cba3cd0582b579cfdb7f0b579958bb0e', 4523],
  ['4/Q47.json', 'b79657df4e238eaa0c6d26f27649deef70207123291a5206edf3f0b98eb7856c', 1419],
  ['4/Q49.json', 'a5c32d5e0da858077913d7e5006f2d32ad1ea1aa69cc5b9f21ad1d74082e5114', 948],
  ['5/new.json', '735d0c0b3aa8fd1bef0d969470a2ac44c0af92542365c05c5f89ce3ddb47801e', 7076],
  ['6/new.json', '0c3234d860953ece19bf07e1f89c1d18048b1c7095f419c6d1eeaec64f7bf433', 6091],
  ['7/bootstrap.json', '8cd69d924fbd627d341458287b5eb3780e095f0f25459fb0d8c45ae9031ab986', 158198],
];

export interface OsProblemFile {
  /** Path under data/os_interaction/data/ (also the item's file in reports). */
  rel: string;
  dataset: 'dev' | 'test';
  /** dev, or the test folder 1..7. */
  group: string;
  asset: AssetSpec;
}

export const OS_FILES: readonly OsProblemFile[] = PINNED.map(([rel, sha256, size]) => ({
  rel,
  dataset: rel === 'dev.json' ? 'dev' : 'test',
  group: rel === 'dev.json' ? 'dev' : rel.split('/')[0]!,
  asset: {
    name: `os_interaction/data/${rel}`,
    url: `https://raw.githubusercontent.com/THUDM/AgentBench/${COMMIT}/data/os_interaction/data/${rel}`,
    sha256,
    size,
    // an AgentBench checkout, evalh's shared layout (agentbench/os_interaction/data), the data folder itself
    paths: [`data/os_interaction/data/${rel}`, `os_interaction/data/${rel}`, `data/${rel}`, rel],
  },
}));

/** For `evalh data pull|add|status agentbench`: the OS-interaction problem files. */
export const AGENTBENCH_OS_ASSETS: readonly AssetSpec[] = OS_FILES.map((f) => f.asset);
