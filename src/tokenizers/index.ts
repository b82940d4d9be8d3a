export type { Tokenizer, EncodeOptions, DecodeOptions } from './types.js';
export { HfTokenizer, loadHfTokenizer, createHfTokenizer, type HfTokenizerOptions } from './hf.js';
export {
  TiktokenTokenizer,
  loadTiktokenFile,
  loadTiktokenEncoding,
  parseRankFile,
  GLM4_PATTERN,
  O200K_PATTERN,
  GLM4_SPECIAL_TOKENS,
  GLM4_PREFIX_TOKENS,
  BUILTIN_ENCODINGS,
  type TiktokenFileOptions,
} from './tiktoken-file.js';
export {
  ServerTokenizer,
  TokenizerServerError,
  connectServerTokenizer,
  serverTokenizer,
  serverRoot,
  type ServerTokenizerOptions,
  type ServerFlavor,
} from './server.js';
export { loadTokenizer, detectTokenizerFile, type LoadTokenizerOptions, type TokenizerFileKind } from './load.js';
export { truncateMiddle, middleCut, type TruncationMode, type TruncateOptions, type TruncateResult } from './truncate.js';
