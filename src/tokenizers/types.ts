// The one interface every tokenizer implements, whether it runs in-process (HF tokenizer.json,
// tiktoken rank file) or asks the model server. Async so a server-backed tokenizer fits.

export interface EncodeOptions {
  /**
   * Add the tokenizer's own special tokens around the text (GLM-4: the `[gMASK]<sop>` prefix,
   * Llama: BOS), as `tokenizer.encode(text)` / `tokenizer(text)` do in transformers.
   * Default true.
   */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens instead of rendering their text. Default false (as in transformers). */
  skipSpecialTokens?: boolean;
}

export interface Tokenizer {
  /**
   * Stable description for run fingerprints: the kind and what pins it, e.g. `hf:<sha256 of
   * tokenizer.json>`, `tiktoken-file:<sha256>`, `tiktoken:o200k_base`, `server:vllm:<url>:<model>`.
   * Never contains a secret.
   */
  readonly id: string;
  encode(text: string, opts?: EncodeOptions): Promise<number[]>;
  decode(ids: number[], opts?: DecodeOptions): Promise<string>;
  /** Frees native/WASM memory; the tokenizer must not be used afterwards. */
  close?(): void;
}
