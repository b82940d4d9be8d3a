// What the official evaluation environment has that this machine may lack, and how to
// tell, from a failed run, that the environment — not the model — kept a sample from
// passing. Such samples are "not evaluable here", reported with the missing piece, never
// counted as model failures.
//
// The official environment is the codegeex/codegeex:0.1.23 image: the packages of the
// repository's requirements.txt, the jars of its JUnit/ folder (the JUnit Platform,
// fastjson2 2.0.41, jsoup) and the per-problem input files of data/<split>/input_files/<id>/,
// which were never published.

/**
 * Import names of the official requirements.txt (and of Pillow and Flask, which its
 * packages pull in). A solution or test that imports one of these and fails with
 * ModuleNotFoundError here would have found it there: not evaluable. A module outside the
 * official environment that only the model's code imports is the model's failure.
 */
export const OFFICIAL_PYTHON_MODULES: ReadonlySet<string> = new Set(
  `absl affine aiohttp aiosignal analytics anyio anytree argcomplete argon2 arviz asn1crypto astor asttokens astunparse
  async_timeout attr attrs audioread babel backcall backoff mpl_toolkits bayes_opt bcrypt bs4 bleach blinker blis bokeh
  branca brotli cachetools cairocffi cairosvg camelot catalogue certifi cffi chardet charset_normalizer click click_plugins
  cligj cloudpickle cmudict colorama comm compressed_rtf contourpy countryinfo coverage cryptography cssselect2 cycler
  cymem Cython databricks debugpy decorator defusedxml deprecat dgl dill distro_info dlib dns docx2txt ebcdic ebooklib
  einops email_validator entrypoints ephem et_xmlfile exceptiongroup exchange_calendars execnet executing extract_msg
  faker fastapi fastjsonschema fastprogress ffmpeg ffmpy filelock fire flask flask_cachebuster flask_cors flask_login
  flatbuffers folium fontTools fpdf frozenlist fsspec future fuzzywuzzy gast gensim geographiclib geopandas geopy google
  google_auth_oauthlib pasta googletrans gradio graphviz grpc gtts h11 h2 h5netcdf h5py hpack hstspreload html5lib
  httpcore httptools httpx huggingface_hub hyperframe idna imageio imageio_ffmpeg imapclient imgkit importlib_metadata
  importlib_resources iniconfig ipykernel IPython ipython_genutils isodate itsdangerous jax jaxlib jedi jieba jinja2
  joblib json5 jsonlines jsonpickle jsonschema jsonschema_specifications jupyterlab jupyterlab_pygments jupyterlab_server
  keras kerykeion kiwisolver korean_lunar_calendar lazy_loader clang librosa llvmlite loguru lxml markdown markdown2
  markdownify markupsafe matplotlib matplotlib_inline matplotlib_venn mistune mizani ml_dtypes mne monotonic moviepy
  mpmath msgpack mtcnn multidict munch murmurhash mutagen nashpy nbclassic nbclient nbconvert nbformat nest_asyncio
  networkx nltk notebook numba numexpr numpy numpy_financial oauthlib odf olefile openai cv2 openpyxl opt_einsum orjson
  oscrypto packaging paddle_bfloat paddle pandas pandocfilters paramiko parso pathy patsy pdf2image pdfkit pdfminer
  pdfplumber pdfrw pexpect pickleshare pip platformdirs plotly plotnine pluggy pooch preshed priority proglog
  prometheus_client prompt_toolkit pronouncing psutil ptyprocess pure_eval py4j pyasn1 pyasn1_modules pycountry pycparser
  Crypto Cryptodome pydantic pydot pydub pydyf pygments jwt pylog pyluach pymc3 fitz nacl OpenSSL pypandoc pyparsing
  PyPDF2 pyphen pyproj pyprover shapefile pyspark swisseph pytesseract pytest pytest_cov pytest_jsonreport
  pytest_metadata pytest_timeout xdist dateutil docx dotenv multipart pptx pyttsx3 pytz pyunpack pywt pyxlsb pyzbar zmq
  qgispluginci qrcode rarfile rasterio rdflib referencing regex reportlab requests requests_oauthlib requests_unixsocket
  resampy rfc3986 rpds rsa safetensors skimage sklearn scipy seaborn semver send2trash sentencepiece setuptools
  pkg_resources shap shapely six slicer smart_open sniffio snowflake snuggs sortedcontainers soundfile soupsieve soxr
  spacy spacy_legacy speech_recognition stack_data starlette statsmodels svglib svgwrite sympy tabula tabulate tenacity
  tensorboard tensorboard_data_server tensorflow tensorflow_estimator tensorflow_io_gcs_filesystem termcolor terminado
  text_unidecode textblob theano thinc threadpoolctl thrift tifffile tinycss2 tokenizers toml tomli toolz torch torchaudio
  torchtext torchvision tornado tqdm traitlets transformers trimesh typer typing_extensions tzdata tzlocal ujson urllib3
  uvicorn uvloop wand wasabi watchfiles weasyprint webencodings websocket websockets werkzeug wheel wordcloud wrapt
  wsproto xarray xarray_einstats xgboost xlrd xlsxwriter yarl zipp zopfli PIL`.split(/\s+/).filter(Boolean),
);

/** Debian packages for the modules the dev set's tests use (a hint in the not-evaluable reason). */
const DEBIAN_PYTHON: Record<string, string> = {
  numpy: 'python3-numpy',
  pandas: 'python3-pandas',
  scipy: 'python3-scipy',
  sklearn: 'python3-sklearn',
  torch: 'python3-torch',
  bs4: 'python3-bs4',
  cryptography: 'python3-cryptography',
  openpyxl: 'python3-openpyxl',
  nltk: 'python3-nltk',
  PIL: 'python3-pil',
  docx: 'python3-docx',
  cv2: 'python3-opencv',
  PyPDF2: 'python3-pypdf2',
  lxml: 'python3-lxml',
  matplotlib: 'python3-matplotlib',
  requests: 'python3-requests',
  pytest: 'python3-pytest',
};

/** Jars of the official JUnit/ folder besides the JUnit Platform, by the packages they provide. */
export interface JavaLibrary {
  name: string;
  packages: string[];
  /** Where Debian installs it, if Debian has it. */
  debianJar?: string;
  hint: string;
}

export const JAVA_LIBRARIES: readonly JavaLibrary[] = [
  { name: 'jsoup', packages: ['org.jsoup'], debianJar: '/usr/share/java/jsoup.jar', hint: 'Debian libjsoup-java' },
  {
    name: 'fastjson2',
    packages: ['com.alibaba.fastjson2'],
    hint: 'not in Debian: put fastjson2-2.0.41.jar (the official JUnit/ folder has it) in EVALH_NCB_JARS',
  },
];

export function notEvaluableReason(missing: string): string {
  return `could not be evaluated here: ${missing}`;
}

/** Top-level modules a Python source imports (import a.b, from a import b), for "the benchmark's own test needs it". */
export function pythonImports(source: string): Set<string> {
  const out = new Set<string>();
  for (const m of source.matchAll(/^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b|import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*))/gm)) {
    const names = m[1] !== undefined ? [m[1]] : m[2]!.split(',');
    for (const n of names) {
      const top = n.trim().split('.')[0]!;
      if (top) out.add(top);
    }
  }
  return out;
}

export interface GapContext {
  /** The problem id (input files live under input_files/<id>/ upstream). */
  id: number;
  /** The benchmark's own text: test code, setup code, problem statement. */
  testcases: string;
  setupCode: string;
  problem: string;
}

/** What the environment lacks: input files of the problem (merged into one reason per sample), or something else. */
export type Gap = { kind: 'input'; files: string[] } | { kind: 'other'; text: string };

/**
 * An input file the benchmark ships with a problem (unpublished): a relative path, or one
 * inside the sample directory, whose file name the problem's tests or statement mention.
 */
export function isInputFile(path: string, ctx: GapContext): boolean {
  const p = relativePath(path);
  if (p.startsWith('/') || p.startsWith('..')) return false;
  const base = p.split(/[\\/]/).pop() ?? '';
  if (base.length < 3) return false;
  const text = `${ctx.testcases}\n${ctx.setupCode}\n${ctx.problem}`;
  return text.includes(base);
}

function relativePath(path: string): string {
  return path.trim().replace(/^\/sample\//, '').replace(/^\.\//, '');
}

/**
 * The environment gap a Python failure shows (its message and traceback), or undefined
 * when it is the code's own failure.
 */
export function pythonGap(text: string, ctx: GapContext): Gap | undefined {
  const mod = /No module named '([\w.]+)'/.exec(text);
  if (mod) {
    const name = mod[1]!;
    const top = name.split('.')[0]!;
    // "No module named 'a.b'" means a is there and b is not: a version difference, not a gap we can name.
    if (name === top && (OFFICIAL_PYTHON_MODULES.has(top) || pythonImports(`${ctx.testcases}\n${ctx.setupCode}`).has(top))) {
      const deb = DEBIAN_PYTHON[top];
      return { kind: 'other', text: `Python module ${top}${deb ? ` (Debian ${deb})` : ''}` };
    }
  }
  // NLTK's message colours the resource name with terminal escapes (kept or dropped by the report).
  const nltk = /Resource\s+(?:\S*?\[\d+m)?([\w./-]+)(?:\S*?\[0m)?\s+not\s+found/.exec(text);
  if (nltk && /nltk/i.test(text)) return { kind: 'other', text: `NLTK data ${nltk[1]} (nltk.download('${nltk[1]!.split('/').pop()}'); not packaged in Debian)` };
  const files = new Set<string>();
  for (const m of text.matchAll(/(?:FileNotFoundError|No such file or directory)[^'"\n]*['"]([^'"\n]+)['"]/g)) {
    if (isInputFile(m[1]!, ctx)) files.add(relativePath(m[1]!));
  }
  return files.size > 0 ? { kind: 'input', files: [...files] } : undefined;
}

/** The environment gap a Java test failure shows (exception type and message, stack trace), or undefined. */
export function javaRunGap(type: string, message: string, text: string, ctx: GapContext): Gap | undefined {
  const all = `${type}: ${message}\n${text}`;
  const files = new Set<string>();
  for (const m of all.matchAll(/(?:NoSuchFileException|FileNotFoundException): ([^\n]+?)(?: \((?:No such file or directory|[^)]*找不到[^)]*)\))?$/gm)) {
    if (isInputFile(m[1]!, ctx)) files.add(relativePath(m[1]!));
  }
  if (files.size > 0) return { kind: 'input', files: [...files] };
  for (const m of all.matchAll(/(?:NoClassDefFoundError|ClassNotFoundException): ([\w/.$]+)/g)) {
    const lib = libraryOf(m[1]!.replace(/\//g, '.'));
    if (lib) return { kind: 'other', text: javaLibraryReason(lib) };
  }
  return undefined;
}

/** A library of the official classpath that javac could not find (its jar is not here). */
export function javaCompileGap(compilerOutput: string, available: (lib: JavaLibrary) => boolean): Gap | undefined {
  for (const m of compilerOutput.matchAll(/package ([\w.]+) does not exist/g)) {
    const lib = libraryOf(m[1]!);
    if (lib && !available(lib)) return { kind: 'other', text: javaLibraryReason(lib) };
  }
  return undefined;
}

function libraryOf(qualified: string): JavaLibrary | undefined {
  return JAVA_LIBRARIES.find((l) => l.packages.some((p) => qualified === p || qualified.startsWith(p + '.')));
}

function javaLibraryReason(lib: JavaLibrary): string {
  return `Java library ${lib.name} (${lib.hint})`;
}

/** One reason for a sample: the distinct non-file gaps, then its input files (a few named, the rest counted). */
export function describeGaps(gaps: readonly Gap[], id: number): string {
  const other = [...new Set(gaps.filter((g): g is Extract<Gap, { kind: 'other' }> => g.kind === 'other').map((g) => g.text))];
  const files = [...new Set(gaps.flatMap((g) => (g.kind === 'input' ? g.files : [])))].sort();
  const parts = [...other];
  if (files.length > 0) {
    const shown = files.slice(0, 3).join(', ');
    parts.push(`input file${files.length > 1 ? 's' : ''} ${shown}${files.length > 3 ? ` (+${files.length - 3} more)` : ''} (the benchmark's unpublished input_files/${id}/)`);
  }
  return parts.join('; ');
}

/**
 * The source of one test: its own method, with the rest of the test code that is not
 * another test (fixtures, setup methods, fields), where input file names are looked for.
 */
export function testSource(testcases: string, testName: string, lang: 'python' | 'java'): string {
  const method = testName.split('::').pop()!.replace(/\(.*$/, '');
  const blocks = lang === 'python' ? pythonTestBlocks(testcases) : javaTestBlocks(testcases);
  if (!blocks.some((b) => b.name === method)) return testcases;
  let shared = '';
  let at = 0;
  for (const b of blocks) {
    shared += testcases.slice(at, b.start);
    at = b.end;
  }
  shared += testcases.slice(at);
  const own = blocks.filter((b) => b.name === method).map((b) => testcases.slice(b.start, b.end));
  return [...own, shared].join('\n');
}

interface Block {
  name: string;
  start: number;
  end: number;
}

/** pytest's test functions and methods: `def test…(` to the next line indented no deeper. */
function pythonTestBlocks(src: string): Block[] {
  const out: Block[] = [];
  for (const m of src.matchAll(/^([ \t]*)(?:async[ \t]+)?def[ \t]+(test\w*)[ \t]*\(/gm)) {
    const indent = m[1]!.length;
    const start = m.index!;
    let end = src.length;
    const rest = /\n/g;
    rest.lastIndex = start;
    for (let nl = rest.exec(src); nl; nl = rest.exec(src)) {
      const lineStart = nl.index + 1;
      const line = src.slice(lineStart, src.indexOf('\n', lineStart) === -1 ? src.length : src.indexOf('\n', lineStart));
      if (line.trim() === '') continue;
      if (line.length - line.trimStart().length <= indent) {
        end = lineStart;
        break;
      }
    }
    out.push({ name: m[2]!, start, end });
  }
  return out;
}

/** JUnit test methods: an @Test method, to its closing brace. */
function javaTestBlocks(src: string): Block[] {
  const out: Block[] = [];
  const header = /@Test\b[^\n]*\n(?:[ \t]*@[^\n]*\n)*[ \t]*(?:(?:public|protected|private|static|final)\s+)*void\s+(\w+)\s*\([^)]*\)[^{;]*\{/g;
  for (const m of src.matchAll(header)) {
    let depth = 0;
    let end = src.length;
    for (let i = m.index! + m[0].length - 1; i < src.length; i++) {
      const c = src[i];
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        end = i + 1;
        break;
      }
    }
    out.push({ name: m[1]!, start: m.index!, end });
  }
  return out;
}

/** Relative file paths named in a piece of test code: string literals that look like files or folders. */
export function pathLiterals(source: string): string[] {
  const out = new Set<string>();
  for (const m of source.matchAll(/"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'/g)) {
    const s = (m[1] ?? m[2] ?? '').trim();
    if (!/^[\w\u4e00-\u9fff][\w\u4e00-\u9fff.\-/ ]*$/.test(s) || s.length > 120) continue;
    if (/^\d+([./-]\d+)*$/.test(s)) continue; // numbers, dates
    if (s.includes('/') || /\.[A-Za-z][A-Za-z0-9]{0,4}$/.test(s)) out.add(s);
  }
  return [...out];
}
