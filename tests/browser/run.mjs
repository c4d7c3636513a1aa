#!/usr/bin/env node
// The browser suite (issue 12, item 8): real sites nobody here wrote, each built
// by assetpipe with default options, served by Debian's nginx (the input plainly
// on one server, the output with the generated snippets on another) and loaded
// in Debian's headless Chromium, driven by puppeteer-core.
//
//   node tests/browser/run.mjs <path/to/assetpipe> [--site NAME]... [--keep]
//
// For each site: a first and a repeat visit (failed requests, wrong content
// types, console errors: none that the input did not have), screenshots equal
// within image-codec loss, one interaction that loads something late, and a
// second deploy into the same output after which a page loaded from the first
// deploy still loads what it loads late. Prints a per-site table; exits 1 when a
// check fails that KNOWN_BREAKS does not list, or when one it lists passes.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SITES = path.join(ROOT, 'tests/browser/sites');
const SITE_MODULES = path.join(SITES, 'node_modules');
const CHROMIUM = process.env.ASSETPIPE_CHROMIUM || '/usr/bin/chromium';
const NGINX = '/usr/sbin/nginx';
const BROTLI_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';
const VIEWPORT = { width: 1280, height: 800 };

// ---------------------------------------------------------------------------
// THE list of known breaks: site -> check -> what breaks and which item of
// issue 12 fixes it. Checks: visit (first + repeat), screenshot, interaction,
// deploy. A listed check still runs; it is reported as a known break when it
// fails and FAILS THE SUITE when it passes (remove its entry then). Empty this
// list as the fixes land; never change a page to hide a break.
// ---------------------------------------------------------------------------
const KNOWN_BREAKS = {};

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------
const log = (...a) => console.log(...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function die(message) {
  console.error(`browser suite: ${message}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${[cmd, ...args].join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

// The same, without blocking the event loop (the browser is driven meanwhile).
function runAsync(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('close', (status) => {
      if (status !== 0) reject(new Error(`${[cmd, ...args].join(' ')} exited ${status}\n${stdout}\n${stderr}`));
      else resolve({ status, stdout, stderr });
    });
  });
}

function copyTree(from, to, filter = () => true) {
  fs.cpSync(from, to, { recursive: true, filter: (src) => filter(path.relative(from, src)) });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.on('connect', () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false));
  });
}

const fmtBytes = (n) => (n >= 10240 ? `${(n / 1024).toFixed(0)} KiB` : `${n} B`);

// ---------------------------------------------------------------------------
// Preflight: everything the suite needs, or a message saying how to get it.
// ---------------------------------------------------------------------------
function preflight(bin) {
  if (!bin || !fs.existsSync(bin)) die(`usage: node tests/browser/run.mjs <path/to/assetpipe> (got ${bin ?? 'nothing'})`);
  if (!fs.existsSync(CHROMIUM)) {
    die(`Chromium not found at ${CHROMIUM}: run scripts/bootstrap (it installs Debian's chromium package; CI does)`);
  }
  if (!fs.existsSync(NGINX) || !fs.existsSync(BROTLI_MODULE)) {
    die(`nginx or its brotli module not found (${NGINX}, ${BROTLI_MODULE}): run scripts/bootstrap`);
  }
  for (const m of ['puppeteer-core', 'pngjs', 'pixelmatch', 'esbuild']) {
    if (!fs.existsSync(path.join(ROOT, 'node_modules', m))) {
      die(`node_modules/${m} is missing: run scripts/bootstrap (npm ci from package-lock.json)`);
    }
  }
  // The sites come from their own lock file; install them when it changed.
  const stamp = path.join(SITE_MODULES, '.package-lock.json');
  const lock = path.join(SITES, 'package-lock.json');
  if (!fs.existsSync(stamp) || fs.statSync(lock).mtimeMs > fs.statSync(stamp).mtimeMs) {
    log('browser suite: npm ci in tests/browser/sites');
    run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: SITES, stdio: 'inherit' });
  }
}

// ---------------------------------------------------------------------------
// nginx: one private instance per site, two servers: the input served plainly
// and the output with the generated snippets (and an SPA fallback where the
// site is an SPA). Started as a child process (daemon off, master off).
// ---------------------------------------------------------------------------
const q = (p) => `"${String(p).replace(/["\\]/g, (c) => `\\${c}`)}"`;

class Nginx {
  constructor(prefix, { input, output, spa }) {
    this.prefix = prefix;
    this.input = input;
    this.output = output;
    this.spa = spa;
    fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  }

  conf() {
    const fallback = this.spa ? 'location / { try_files $uri $uri/ /index.html; }' : '';
    const snippets = path.join(this.output, '.assetpipe/nginx');
    const t = this.prefix;
    return [
      `load_module ${BROTLI_MODULE};`,
      'daemon off;', 'master_process off;', 'worker_processes 1;',
      process.getuid() === 0 ? 'user root;' : '',
      `error_log ${q(path.join(t, 'logs/error.log'))} info;`,
      `pid ${q(path.join(t, 'nginx.pid'))};`,
      'events { worker_connections 256; }',
      'http {',
      '  include /etc/nginx/mime.types;', '  default_type application/octet-stream;',
      `  access_log ${q(path.join(t, 'logs/access.log'))};`,
      `  client_body_temp_path ${q(path.join(t, 'body'))}; proxy_temp_path ${q(path.join(t, 'proxy'))};`,
      `  fastcgi_temp_path ${q(path.join(t, 'fastcgi'))}; uwsgi_temp_path ${q(path.join(t, 'uwsgi'))};`,
      `  scgi_temp_path ${q(path.join(t, 'scgi'))};`,
      `  include ${q(path.join(snippets, 'http.conf'))};`,
      `  server { listen 127.0.0.1:${this.inPort}; root ${q(this.input)}; ${fallback} }`,
      `  server { listen 127.0.0.1:${this.outPort}; root ${q(this.output)};`,
      `    include ${q(path.join(snippets, 'server.conf'))};`,
      `    ${fallback}`,
      '  }',
      '}',
      '',
    ].join('\n');
  }

  async start(keepPorts = false) {
    for (let attempt = 0; attempt < 5; ++attempt) {
      if (!keepPorts || !this.inPort) {
        this.inPort = await freePort();
        this.outPort = await freePort();
      }
      const confPath = path.join(this.prefix, 'nginx.conf');
      fs.writeFileSync(confPath, this.conf());
      const child = spawn(NGINX, ['-p', this.prefix, '-c', confPath, '-e', path.join(this.prefix, 'logs/error.log')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      let exited = false;
      child.on('exit', () => { exited = true; });
      for (let i = 0; i < 100 && !exited; ++i) {
        if ((await canConnect(this.inPort)) && (await canConnect(this.outPort))) {
          this.child = child;
          return;
        }
        await sleep(50);
      }
      child.kill('SIGKILL');
      if (attempt === 4 || !exited) {
        const err = fs.readFileSync(path.join(this.prefix, 'logs/error.log'), 'utf8');
        throw new Error(`nginx did not start:\n${stderr}\n${err}`);
      }
    }
  }

  async stop() {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    if (child.exitCode !== null) return;
    const done = new Promise((r) => child.on('exit', r));
    child.kill('SIGQUIT');
    const t = setTimeout(() => child.kill('SIGKILL'), 3000);
    await done;
    clearTimeout(t);
  }

  // What a deploy does: the new snippets take effect (nginx -s reload), here
  // by a restart on the same ports (the browser keeps its pages).
  async restart() {
    await this.stop();
    await this.start(true);
  }
}

// ---------------------------------------------------------------------------
// The sites. Each: prepare(work) returns the input folder (a build folder as
// its tool leaves it); interact(page) does one thing that loads something late;
// evidence() runs in the page and says what a person would see (compared
// between input and output); change(work, input) changes one source file and
// rebuilds the input for the second deploy.
// ---------------------------------------------------------------------------
const viteBin = () => path.join(SITE_MODULES, 'vite/bin/vite.js');

async function viteBuild(app) {
  await runAsync(process.execPath, [viteBin(), 'build', '--logLevel', 'warn'], { cwd: app });
  return path.join(app, 'dist');
}

const SITE_LIST = [
  {
    name: 'vite-vue',
    what: "create-vite's template-vue (+ a lazy route with a photo), built by vite",
    spa: true,
    page: '/',
    async prepare(work) {
      const app = path.join(work, 'app');
      copyTree(path.join(SITE_MODULES, 'create-vite/template-vue'), app);
      copyTree(path.join(SITES, 'vite-vue'), app, (rel) => rel !== 'README.md');
      fs.copyFileSync(path.join(ROOT, 'examples/vite-app/src/hero.jpg'), path.join(app, 'src/assets/photo.jpg'));
      fs.symlinkSync(SITE_MODULES, path.join(app, 'node_modules'));
      return viteBuild(app);
    },
    async interact(page) {
      await page.click('#to-gallery');
      await page.waitForSelector('#gallery-photo', { timeout: 5000 }).catch(() => {});
    },
    evidence: () => {
      const g = document.querySelector('.gallery');
      const photo = document.querySelector('#gallery-photo');
      const hero = document.querySelector('img.base');
      return {
        heroShown: hero ? hero.complete && hero.naturalWidth > 0 : null,
        galleryShown: !!g,
        galleryStyled: g ? getComputedStyle(g).backgroundColor : null,
        galleryPhotoShown: photo ? photo.complete && photo.naturalWidth > 0 : null,
      };
    },
    async change(work) {
      const app = path.join(work, 'app');
      const f = path.join(app, 'src/components/Gallery.vue');
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('Loaded with its route.', 'Loaded with its route, second deploy.'));
      return viteBuild(app);
    },
  },
  {
    name: 'reveal.js',
    what: "reveal.js's dist/ and plugin/ with its demo.html; the demo's theme switcher",
    spa: false,
    page: '/demo.html',
    settle: 1200, // slide transitions
    prepare(work) {
      const input = path.join(work, 'input');
      const pkg = path.join(SITE_MODULES, 'reveal.js');
      for (const p of ['dist', 'plugin', 'demo.html']) copyTree(path.join(pkg, p), path.join(input, p));
      return input;
    },
    async interact(page) {
      await page.evaluate(() => { location.hash = '#/themes'; });
      await sleep(1200);
      await page.click('a[onclick*="dist/theme/white.css"]');
    },
    evidence: () => {
      const theme = document.getElementById('theme');
      let rules = null;
      try { rules = theme && theme.sheet ? theme.sheet.cssRules.length > 0 : false; } catch { rules = 'unreadable'; }
      return {
        themeHref: theme ? theme.getAttribute('href').replace(/\.[0-9a-f]{10}\.css$/, '.css') : null,
        themeApplied: rules,
        background: getComputedStyle(document.querySelector('.reveal-viewport') || document.body).backgroundColor,
        slideColor: getComputedStyle(document.querySelector('.reveal')).color,
      };
    },
    change(work, input) {
      const f = path.join(input, 'dist/theme/white.css');
      fs.appendFileSync(f, '\n.reveal .slides section .fragment.grow-more { transform: scale(1.5); }\n');
      return input;
    },
  },
  {
    name: 'leaflet',
    what: "Leaflet's dist/ with a page as its non-geographical maps tutorial: an image overlay, default markers",
    spa: false,
    page: '/',
    prepare(work) {
      const input = path.join(work, 'input');
      copyTree(path.join(SITES, 'leaflet'), input, (rel) => rel !== 'README.md');
      copyTree(path.join(SITE_MODULES, 'leaflet/dist'), path.join(input, 'leaflet'));
      fs.mkdirSync(path.join(input, 'img'));
      fs.copyFileSync(path.join(ROOT, 'examples/site/img/hero.jpg'), path.join(input, 'img/kite.jpg'));
      return input;
    },
    async interact(page) {
      await page.click('#add-markers');
    },
    evidence: () => {
      const icons = [...document.querySelectorAll('img.leaflet-marker-icon')];
      const shadows = [...document.querySelectorAll('img.leaflet-marker-shadow')];
      const overlay = document.querySelector('img.leaflet-image-layer');
      const ok = (i) => i.complete && i.naturalWidth > 0;
      return {
        overlayShown: overlay ? ok(overlay) : null,
        markers: icons.length,
        markersShown: icons.filter(ok).length,
        shadowsShown: shadows.filter(ok).length,
      };
    },
    change(work, input) {
      const f = path.join(input, 'app.js');
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace("'The middle'", "'The middle (second deploy)'"));
      return input;
    },
  },
  {
    name: 'katex',
    what: "KaTeX's dist/ with auto-render on a page; late formulas in other fonts",
    spa: false,
    page: '/',
    prepare(work) {
      const input = path.join(work, 'input');
      copyTree(path.join(SITES, 'katex'), input, (rel) => rel !== 'README.md');
      copyTree(path.join(SITE_MODULES, 'katex/dist'), path.join(input, 'katex'), (rel) => rel !== 'README.md');
      return input;
    },
    async interact(page) {
      await page.click('#more');
    },
    evidence: () => {
      const fonts = [...document.fonts].filter((f) => f.status === 'loaded').map((f) => `${f.family} ${f.style} ${f.weight}`).sort();
      return {
        rendered: document.querySelectorAll('.katex').length,
        late: !!document.querySelector('#late .katex'),
        fontsLoaded: fonts,
      };
    },
    change(work, input) {
      fs.appendFileSync(path.join(input, 'page.css'), 'h1 { letter-spacing: 0.01em; }\n');
      return input;
    },
  },
];

// ---------------------------------------------------------------------------
// What a page loads: every request through CDP, by phase.
// ---------------------------------------------------------------------------
const ASSET_EXT = /\.(m?js|cjs|css|map|json|wasm|png|jpe?g|gif|svg|webp|avif|ico|woff2?|ttf|otf|eot)$/i;

function expectedType(resourceType, url) {
  const ext = (new URL(url).pathname.match(/\.([a-z0-9]+)$/i) || [])[1]?.toLowerCase() ?? '';
  const byType = {
    Script: /javascript|ecmascript/,
    Stylesheet: /^text\/css$/,
    Image: /^image\//,
    Font: /^(font\/|application\/(font|x-font|vnd\.ms-fontobject|octet-stream))/,
    Document: /^text\/html$/,
  }[resourceType];
  if (byType) return byType;
  const byExt = {
    js: /javascript/, mjs: /javascript/, css: /^text\/css$/, json: /json/, map: /json/,
    png: /^image\//, jpg: /^image\//, jpeg: /^image\//, gif: /^image\//, svg: /^image\/svg/, webp: /^image\//,
    avif: /^image\//, html: /^text\/html$/,
  }[ext];
  return byExt ?? null;
}

class Recorder {
  constructor(page, cdp, origin) {
    this.page = page;
    this.origin = origin;
    this.phase = 'load';
    this.requests = new Map();
    this.console = [];
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.redirectResponse) return;
      this.requests.set(e.requestId, {
        phase: this.phase, url: e.request.url, type: e.type, initiator: e.initiator, documentURL: e.documentURL,
        status: null, mime: null, bytes: 0, error: null, done: false, cached: false,
      });
    });
    cdp.on('Network.requestServedFromCache', (e) => {
      const r = this.requests.get(e.requestId);
      if (r) r.cached = true;
    });
    cdp.on('Network.responseReceived', (e) => {
      const r = this.requests.get(e.requestId);
      if (!r) return;
      r.status = e.response.status;
      r.mime = e.response.mimeType;
      r.type = e.type || r.type;
      r.cached = r.cached || e.response.fromDiskCache || e.response.fromPrefetchCache;
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = this.requests.get(e.requestId);
      if (!r) return;
      r.bytes = e.encodedDataLength;
      r.done = true;
    });
    cdp.on('Network.loadingFailed', (e) => {
      const r = this.requests.get(e.requestId);
      if (!r) return;
      r.error = e.canceled ? null : e.errorText + (e.blockedReason ? ` (${e.blockedReason})` : '');
      r.done = true;
    });
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const where = m.location()?.url ?? '';
      if (where && !this.local(where)) return;
      this.console.push({ phase: this.phase, text: m.text(), where });
    });
    page.on('pageerror', (err) => this.console.push({ phase: this.phase, text: `uncaught: ${err.message}`, where: '' }));
  }

  local(url) {
    return url.startsWith(this.origin);
  }

  mine(phase) {
    return [...this.requests.values()].filter((r) => r.phase === phase && r.url.startsWith(this.origin));
  }

  failures(phase) {
    const out = [];
    for (const r of this.mine(phase)) {
      let why = null;
      let kind = 'failed';
      if (r.error) why = `${r.error}${r.status ? ` after ${r.status} ${r.mime}` : ''}`;
      else if (r.status >= 400) why = `${r.status} ${r.mime}`;
      else if (r.status && r.status < 300) {
        kind = 'wrong type';
        const want = expectedType(r.type, r.url);
        if (want && r.mime && !want.test(r.mime)) why = `${r.status} but ${r.mime} for a ${r.type} request`;
        else if (!want && r.mime === 'text/html' && ASSET_EXT.test(new URL(r.url).pathname)) {
          why = `${r.status} but text/html for an asset name`;
        }
      }
      if (why) out.push({ ...r, why, kind });
    }
    return out;
  }

  errors(phase) {
    return this.console.filter((c) => c.phase === phase);
  }

  bytes(phase) {
    return this.mine(phase).reduce((n, r) => n + (r.bytes || 0), 0);
  }
}

function who(r) {
  const i = r.initiator || {};
  const frames = [];
  for (let st = i.stack; st; st = st.parent) frames.push(...(st.callFrames || []));
  const frame = frames.find((f) => /^https?:/.test(f.url));
  if (frame) return `${i.type} ${frame.url}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
  if (/^https?:/.test(i.url ?? '')) return `${i.type} ${i.url}${i.lineNumber != null ? `:${i.lineNumber + 1}` : ''}`;
  const where = frames[0] ?? (i.url ? { url: i.url, lineNumber: i.lineNumber ?? 0 } : null);
  const at = where ? `, at ${where.url}:${where.lineNumber + 1}` : '';
  return `${i.type || '?'} (the page ${r.documentURL}${at})`;
}

// Output URLs back to the input's names (through the manifests), so that
// failures and messages of the two sides can be compared.
function logicalMap(manifests) {
  const m = new Map();
  for (const man of manifests) {
    for (const [logical, e] of Object.entries(man.assets || {})) {
      if (e.file) m.set(e.file, logical);
      for (const v of Object.values(e.variants || {})) if (v.file) m.set(v.file, logical);
    }
  }
  return m;
}

function logicalOf(url, origin, map) {
  if (!url.startsWith(origin)) return url;
  let p = decodeURIComponent(new URL(url).pathname).replace(/^\//, '');
  if (p === '') p = 'index.html';
  return map ? map.get(p) ?? p : p;
}

function normalizeText(text, origin, map) {
  return text.replaceAll(`${origin}/`, '').replace(/[^\s"'()]+/g, (t) => (map && map.has(t) ? map.get(t) : t));
}

const errorKey = (e, origin, map) =>
  `${normalizeText(e.text, origin, map)} @${e.where ? logicalOf(e.where, origin, map) : ''}`;

// Failures on the output side that the input side did not have (by logical name).
function newFailures(inFails, outFails, origins, map, inMap = null) {
  const seen = new Map();
  for (const f of inFails) {
    const k = logicalOf(f.url, origins.in, inMap);
    seen.set(k, (seen.get(k) || 0) + 1);
  }
  const extra = [];
  for (const f of outFails) {
    const k = logicalOf(f.url, origins.out, map);
    if (seen.get(k) > 0) seen.set(k, seen.get(k) - 1);
    else extra.push({ ...f, logical: k });
  }
  return extra;
}

function newErrors(inErrs, outErrs, origins, map, inMap = null) {
  const seen = new Map();
  for (const e of inErrs) {
    const k = errorKey(e, origins.in, inMap);
    seen.set(k, (seen.get(k) || 0) + 1);
  }
  const extra = [];
  for (const e of outErrs) {
    const k = errorKey(e, origins.out, map);
    if (seen.get(k) > 0) seen.set(k, seen.get(k) - 1);
    else extra.push(e);
  }
  return extra;
}

// ---------------------------------------------------------------------------
// Screenshots: equal within image-codec loss.
// ---------------------------------------------------------------------------
let PNG, pixelmatch;
// Codec loss measured here: a 480x320 photo served as AVIF instead of JPEG
// differs by at most 44 (sum over RGB) per pixel, 0.001% of the pixels beyond
// 0.05. A missing 170x179 image is 0.35%.
const PIXEL_THRESHOLD = 0.1; // per-pixel colour distance (pixelmatch's YIQ measure, 0..1; its default)
const MAX_DIFF_RATIO = 0.001; // at most this fraction of the pixels beyond it

function compareShots(a, b, diffPath) {
  const A = PNG.sync.read(a);
  const B = PNG.sync.read(b);
  if (A.width !== B.width || A.height !== B.height) return { ratio: 1, note: 'sizes differ' };
  const diff = new PNG({ width: A.width, height: A.height });
  const n = pixelmatch(A.data, B.data, diff.data, A.width, A.height, { threshold: PIXEL_THRESHOLD });
  if (n > 0) fs.writeFileSync(diffPath, PNG.sync.write(diff));
  return { ratio: n / (A.width * A.height), pixels: n };
}

// ---------------------------------------------------------------------------
// One site, both sides.
// ---------------------------------------------------------------------------
async function settle(page, site) {
  await page.waitForNetworkIdle({ idleTime: 300, timeout: 15000 }).catch(() => {});
  await page.evaluate(() => document.fonts.ready.then(() => true)).catch(() => {});
  await sleep(site.settle ?? 300);
  await page.waitForNetworkIdle({ idleTime: 200, timeout: 5000 }).catch(() => {});
}

async function openPage(context, origin, site) {
  const page = await context.newPage();
  await page.setViewport(VIEWPORT);
  await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  const rec = new Recorder(page, cdp, origin);
  await page.goto(origin + site.page, { waitUntil: 'load', timeout: 30000 }).catch((e) => {
    rec.console.push({ phase: 'load', text: `navigation: ${e.message}`, where: '' });
  });
  await settle(page, site);
  return { page, rec };
}

// Visit a side: first visit (+ screenshot, interaction, screenshot), then a
// repeat visit in the same browser context, left open for the deploy check.
async function visitSide(browser, origin, site, shotDir, side) {
  const context = await browser.createBrowserContext();
  const first = await openPage(context, origin, site);
  const loadShot = path.join(shotDir, `${side}-load.png`);
  await first.page.screenshot({ path: loadShot });
  const loadEvidence = await first.page.evaluate(site.evidence);
  first.rec.phase = 'interact';
  await site.interact(first.page).catch((e) => first.rec.console.push({ phase: 'interact', text: `interaction: ${e.message}`, where: '' }));
  await settle(first.page, site);
  const lateShot = path.join(shotDir, `${side}-late.png`);
  await first.page.screenshot({ path: lateShot });
  const lateEvidence = await first.page.evaluate(site.evidence);
  await first.page.close();

  const repeat = await openPage(context, origin, site);
  const repeatEvidence = await repeat.page.evaluate(site.evidence);
  if (process.env.BROWSER_SUITE_DEBUG) {
    for (const [label, rec] of [['first', first.rec], ['repeat', repeat.rec]]) {
      for (const r of rec.requests.values()) log(`  [${side} ${label} ${r.phase}] ${r.url} ${r.type} ${r.status} ${r.mime} ${r.bytes}${r.error ? ` ${r.error}` : ''}${r.cached ? ' cached' : ''}`);
      for (const c of rec.console) log(`  [${side} ${label} ${c.phase}] console: ${c.text} ${c.where}`);
    }
  }
  return { context, first: first.rec, repeat, loadShot, lateShot, loadEvidence, lateEvidence, repeatEvidence };
}

async function buildWithAssetpipe(bin, input, output) {
  const t0 = Date.now();
  const r = await runAsync(bin, ['build', input, '-o', output], { env: { ...process.env, NO_COLOR: '1' } });
  const warnings = (r.stderr.match(/warning:.*$/gm) || []);
  return { ms: Date.now() - t0, warnings, manifest: JSON.parse(fs.readFileSync(path.join(output, '.assetpipe/manifest.json'), 'utf8')) };
}

function describe(f, extraWho = true) {
  return `    ${f.url}${f.logical && !f.url.endsWith(f.logical) ? ` (input name ${f.logical})` : ''}\n` +
    `      -> ${f.kind === 'wrong type' ? 'wrong content type: ' : ''}${f.why}${extraWho ? `; requested by ${who(f)}` : ''}`;
}

// The input and its first build (run while the browser is on the previous site).
async function prepareSite(bin, site, tmp) {
  const work = path.join(tmp, site.name);
  fs.mkdirSync(work, { recursive: true });
  const input = await site.prepare(work);
  const output = path.join(work, 'out');
  const build1 = await buildWithAssetpipe(bin, input, output);
  return { work, input, output, build1 };
}

async function runSite(browser, bin, site, prepared) {
  const { work, input, output, build1 } = await prepared;
  const t0 = Date.now(); // this site's turn (its first build ran during the previous site's)
  const step = (what) => log(`  ${site.name}: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  step(`input ready and built (assetpipe ${(build1.ms / 1000).toFixed(1)} s)`);
  // The plain server's caching is heuristic (10% of a file's age since its
  // Last-Modified): give the input's files the current time, so that a repeat
  // visit revalidates each of them whenever the input was made.
  const now = new Date();
  for (const e of fs.readdirSync(input, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) fs.utimesSync(path.join(e.parentPath ?? e.path, e.name), now, now);
  }
  const nginx = new Nginx(path.join(work, 'nginx'), { input, output, spa: site.spa });
  await nginx.start();
  const origins = { in: `http://127.0.0.1:${nginx.inPort}`, out: `http://127.0.0.1:${nginx.outPort}` };
  const shots = path.join(work, 'shots');
  fs.mkdirSync(shots);
  const result = { site, checks: {}, details: {}, metrics: {}, build1 };
  try {
    const I = await visitSide(browser, origins.in, site, shots, 'input');
    step('input visited');
    const O = await visitSide(browser, origins.out, site, shots, 'output');
    step('output visited');
    let map = logicalMap([build1.manifest]);

    // --- visit: first and repeat visits, nothing that the input did not have.
    const problems = [];
    for (const [label, iRec, oRec] of [['first visit', I.first, O.first], ['repeat visit', I.repeat.rec, O.repeat.rec]]) {
      for (const f of newFailures(iRec.failures('load'), oRec.failures('load'), origins, map)) problems.push(`${label}: request failed\n${describe(f)}`);
      for (const e of newErrors(iRec.errors('load'), oRec.errors('load'), origins, map)) problems.push(`${label}: console error: ${e.text}${e.where ? ` (at ${e.where})` : ''}`);
    }
    for (const [label, a, b] of [['first visit', I.loadEvidence, O.loadEvidence], ['repeat visit', I.repeatEvidence, O.repeatEvidence]]) {
      if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${label}: the page differs: input ${JSON.stringify(a)}, output ${JSON.stringify(b)}`);
    }
    result.checks.visit = problems;

    // --- interaction: what loads late loads from the output too.
    const late = [];
    for (const f of newFailures(I.first.failures('interact'), O.first.failures('interact'), origins, map)) late.push(`request failed\n${describe(f)}`);
    for (const e of newErrors(I.first.errors('interact'), O.first.errors('interact'), origins, map)) late.push(`console error: ${e.text}${e.where ? ` (at ${e.where})` : ''}`);
    if (JSON.stringify(I.lateEvidence) !== JSON.stringify(O.lateEvidence)) {
      late.push(`after the interaction the page differs: input ${JSON.stringify(I.lateEvidence)}, output ${JSON.stringify(O.lateEvidence)}`);
    }
    result.checks.interaction = late;

    // --- screenshot: input and output look the same (before and after the interaction).
    const shotProblems = [];
    const ratios = [];
    for (const [label, a, b] of [['load', I.loadShot, O.loadShot], ['late', I.lateShot, O.lateShot]]) {
      const c = compareShots(fs.readFileSync(a), fs.readFileSync(b), path.join(shots, `diff-${label}.png`));
      ratios.push(c.ratio);
      if (c.ratio > MAX_DIFF_RATIO) {
        shotProblems.push(`screenshot after ${label === 'load' ? 'loading' : 'the interaction'}: ${(c.ratio * 100).toFixed(2)}% of the pixels differ (limit ${(MAX_DIFF_RATIO * 100).toFixed(1)}%)${c.note ? `, ${c.note}` : ''}; diff in ${path.join(shots, `diff-${label}.png`)}`);
      }
    }
    result.checks.screenshot = shotProblems;

    const count = (rec, kind) => ['load', 'interact'].reduce((n, ph) => n + rec.failures(ph).filter((f) => f.kind === kind).length, 0);
    result.metrics = {
      failedIn: count(I.first, 'failed'), failedOut: count(O.first, 'failed'),
      typeIn: count(I.first, 'wrong type'), typeOut: count(O.first, 'wrong type'),
      consoleIn: I.first.errors('load').length + I.first.errors('interact').length,
      consoleOut: O.first.errors('load').length + O.first.errors('interact').length,
      firstIn: I.first.bytes('load'), firstOut: O.first.bytes('load'),
      repeatIn: I.repeat.rec.bytes('load'), repeatOut: O.repeat.rec.bytes('load'),
      shot: Math.max(...ratios),
    };

    // --- deploy: change one source file, build into the same output, reload
    // nginx; the page still open from the first deploy loads what it loads late.
    // A tab opened on the first deploy that has not loaded the late part yet
    // (a context of its own: nothing of it in its cache).
    const oldContext = await browser.createBrowserContext();
    const old = await openPage(oldContext, origins.out, site);
    const input2 = await site.change(work, input);
    const build2 = await buildWithAssetpipe(bin, input2, output);
    step(`second deploy built in ${(build2.ms / 1000).toFixed(1)} s`);
    result.build2ms = build2.ms;
    await nginx.restart();
    map = logicalMap([build1.manifest, build2.manifest]);
    old.rec.phase = 'interact';
    await site.interact(old.page).catch((e) => old.rec.console.push({ phase: 'interact', text: `interaction: ${e.message}`, where: '' }));
    await settle(old.page, site);
    const deployEvidence = await old.page.evaluate(site.evidence);
    // Compared with what the same interaction did on the first deploy: this
    // check is about what the deploy broke (the interaction check reports what
    // was broken already).
    const dep = [];
    for (const f of newFailures(O.first.failures('interact'), old.rec.failures('interact'), { in: origins.out, out: origins.out }, map, map)) {
      dep.push(`after the second deploy, the page from the first: request failed\n${describe(f)}`);
    }
    for (const e of newErrors(O.first.errors('interact'), old.rec.errors('interact'), { in: origins.out, out: origins.out }, map, map)) {
      dep.push(`after the second deploy, the page from the first: console error: ${e.text}${e.where ? ` (at ${e.where})` : ''}`);
    }
    if (JSON.stringify(O.lateEvidence) !== JSON.stringify(deployEvidence)) {
      dep.push(`after the second deploy, the page from the first differs from before the deploy: before ${JSON.stringify(O.lateEvidence)}, after ${JSON.stringify(deployEvidence)}`);
    }
    result.checks.deploy = dep;
    if (late.length) {
      result.note = 'deploy: the late load was already broken on the first deploy (see interaction); '
        + 'this check sees only what the second deploy changed';
    }
    step('second deploy checked');
    for (const c of [I.context, O.context, oldContext]) await c.close();
  } finally {
    await nginx.stop();
  }
  result.ms = Date.now() - t0;
  return result;
}

// ---------------------------------------------------------------------------
// Issue 18: pages that use what was built (--picture, --image-widths, --sri,
// --img-dimensions), on a page of our own with a 2560x1600 photo that
// Chromium itself encodes (canvas -> JPEG). The output is served twice by the
// same nginx: plainly (no snippet: no Accept negotiation, as behind a CDN that
// ignores Vary: Accept) and with the snippets.
// ---------------------------------------------------------------------------
const HTML_FEATURES = 'html-features';
const HTML_FEATURE_FLAGS = ['--sri', '--picture', '--img-dimensions', '--image-widths', '480,960,1600'];

async function makePhoto(browser, file) {
  const page = await browser.newPage();
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 2560; c.height = 1600;
    const g = c.getContext('2d');
    const grad = g.createLinearGradient(0, 0, 2560, 1600);
    grad.addColorStop(0, '#1d3c6e'); grad.addColorStop(0.5, '#d9a441'); grad.addColorStop(1, '#3f7a3a');
    g.fillStyle = grad; g.fillRect(0, 0, 2560, 1600);
    for (let i = 0; i < 400; ++i) { // detail, so the sizes differ as a photo's do
      g.fillStyle = `hsla(${(i * 37) % 360}, 60%, ${30 + (i % 40)}%, 0.5)`;
      g.beginPath(); g.arc((i * 733) % 2560, (i * 397) % 1600, 10 + (i % 90), 0, 7); g.fill();
    }
    // Grain, as a camera's sensor leaves it (deterministic).
    const img = g.getImageData(0, 0, 2560, 1600);
    let x = 12345;
    for (let i = 0; i < img.data.length; i += 4) {
      x = (x * 1103515245 + 12345) >>> 0;
      const n = ((x >>> 16) % 25) - 12;
      img.data[i] += n; img.data[i + 1] += n; img.data[i + 2] += n;
    }
    g.putImageData(img, 0, 0);
    return c.toDataURL('image/jpeg', 0.9);
  });
  await page.close();
  fs.writeFileSync(file, Buffer.from(dataUrl.split(',')[1], 'base64'));
}

async function htmlFeatures(browser, bin, tmp) {
  const work = path.join(tmp, HTML_FEATURES);
  const input = path.join(work, 'in');
  const output = path.join(work, 'out');
  fs.mkdirSync(input, { recursive: true });
  await makePhoto(browser, path.join(input, 'photo.jpg'));
  fs.writeFileSync(path.join(input, 'index.html'), [
    '<!doctype html><html><head><meta name="viewport" content="width=device-width"><link rel="icon" href="data:,">',
    '<link rel="stylesheet" href="style.css">',
    '<script type="module" src="app.js"></script></head>',
    '<body><h1>Photo</h1><img src="photo.jpg" alt="a photo"></body></html>', ''].join('\n'));
  fs.writeFileSync(path.join(input, 'style.css'), 'body { margin: 0; } h1 { color: rgb(1, 2, 3); } img { max-width: 100%; height: auto; }\n');
  fs.writeFileSync(path.join(input, 'app.js'), "document.documentElement.dataset.app = 'ran';\n");
  const t0 = Date.now();
  await runAsync(bin, ['build', input, '-o', output, ...HTML_FEATURE_FLAGS], { env: { ...process.env, NO_COLOR: '1' } });
  const buildMs = Date.now() - t0;
  const manifest = JSON.parse(fs.readFileSync(path.join(output, '.assetpipe/manifest.json'), 'utf8')).assets;
  const photo = manifest['photo.jpg'];
  const nginx = new Nginx(path.join(work, 'nginx'), { input: output, output, spa: false });
  await nginx.start();
  const plain = `http://127.0.0.1:${nginx.inPort}`;
  const snippets = `http://127.0.0.1:${nginx.outPort}`;
  const problems = [];
  const measured = {};
  // One visit in a fresh context: which image files came, the bytes of everything.
  const visit = async (origin, width) => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width, height: 900, deviceScaleFactor: 1 });
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    const rec = new Recorder(page, cdp, origin);
    await page.goto(`${origin}/`, { waitUntil: 'load', timeout: 30000 });
    await settle(page, {});
    const state = await page.evaluate(() => ({
      app: document.documentElement.dataset.app ?? null,
      h1: getComputedStyle(document.querySelector('h1')).color,
      img: document.querySelector('img').currentSrc.replace(location.origin + '/', ''),
      complete: document.querySelector('img').complete && document.querySelector('img').naturalWidth > 0,
    }));
    const images = [...rec.requests.values()].filter((r) => r.type === 'Image').map((r) => r.url.replace(`${origin}/`, ''));
    const bytes = rec.bytes('load');
    const errors = rec.console.map((c) => c.text);
    await context.close();
    return { state, images, bytes, errors };
  };
  try {
    for (const [width, expected] of [[480, '480w.avif'], [1600, '1600w.avif']]) {
      const want = `${photo.file}.${expected}`;
      if (!photo.variants?.[expected]?.file) {
        problems.push(`${want} was not kept (manifest: ${JSON.stringify(photo.variants)})`);
        continue;
      }
      for (const [label, origin] of [['plain nginx (no Accept negotiation)', plain], ['nginx with the snippets', snippets]]) {
        const v = await visit(origin, width);
        if (label.startsWith('plain')) measured[width] = v.bytes;
        const where = `${width} px viewport, ${label}`;
        if (v.state.img !== want || !v.state.complete) problems.push(`${where}: the image shown is ${v.state.img} (complete: ${v.state.complete}), expected ${want}`);
        if (v.images.length !== 1 || v.images[0] !== want) problems.push(`${where}: image requests ${JSON.stringify(v.images)}, expected only ${want}`);
        if (v.state.app !== 'ran' || v.state.h1 !== 'rgb(1, 2, 3)') problems.push(`${where}: script or style sheet did not apply under SRI: ${JSON.stringify(v.state)} ${v.errors.join('; ')}`);
        if (v.errors.length) problems.push(`${where}: console errors: ${v.errors.join('; ')}`);
      }
    }
    // A tampered hashed script is refused by the browser (its integrity no longer matches).
    const appFile = path.join(output, manifest['app.js'].file);
    const original = fs.readFileSync(appFile);
    fs.writeFileSync(appFile, Buffer.concat([original, Buffer.from('// tampered\n')]));
    for (const suffix of ['.br', '.gz']) fs.rmSync(appFile + suffix, { force: true });
    const t = await visit(plain, 1280);
    if (t.state.app !== null) problems.push('a tampered app.js still ran: SRI did not block it');
    if (!t.errors.some((e) => /integrity/i.test(e))) problems.push(`a tampered app.js: no integrity error in the console (${t.errors.join('; ')})`);
    fs.writeFileSync(appFile, original);
  } finally {
    await nginx.stop();
  }
  // Before: the input served plainly, and built without the flags (the
  // full-size AVIF by negotiation), at the same viewports.
  const output0 = path.join(work, 'out-default');
  await runAsync(bin, ['build', input, '-o', output0], { env: { ...process.env, NO_COLOR: '1' } });
  const nginx0 = new Nginx(path.join(work, 'nginx0'), { input, output: output0, spa: false });
  await nginx0.start();
  const before = { input: {}, default: {} };
  try {
    for (const width of [480, 1600]) {
      before.input[width] = (await visit(`http://127.0.0.1:${nginx0.inPort}`, width)).bytes;
      before.default[width] = (await visit(`http://127.0.0.1:${nginx0.outPort}`, width)).bytes;
    }
  } finally {
    await nginx0.stop();
  }
  return { problems, measured, before, buildMs };
}

// ---------------------------------------------------------------------------
// Issue 18, item 5: --preload on a page of our own (a module script whose
// imports import more, a style sheet with an @font-face of a real woff2),
// built with and without it and served with the snippets: the page renders
// and behaves the same, with no console errors and no preload left unused;
// Chromium fetched every module and the font from the <link>s (resource
// timing's initiatorType 'link'), each once; the page's response carries
// the same list as Link headers.
// ---------------------------------------------------------------------------
const PRELOAD = 'preload';
const PRELOAD_FLAGS = ['--preload', '--sri'];

async function preloadFeature(browser, bin, tmp) {
  const work = path.join(tmp, PRELOAD);
  const input = path.join(work, 'in');
  const write = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(input, rel)), { recursive: true });
    fs.writeFileSync(path.join(input, rel), text);
  };
  write('index.html', [
    '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">',
    '<link rel="stylesheet" href="css/style.css">',
    '<script type="module" src="js/app.js"></script></head>',
    '<body><h1>Preloaded</h1><p id="out">waiting</p></body></html>', ''].join('\n'));
  write('js/app.js', "import { a } from './a.js';\nimport { b } from './b.js';\n"
    + "document.getElementById('out').textContent = a + ' ' + b;\ndocument.documentElement.dataset.app = 'ran';\n");
  write('js/a.js', "import { c } from './c.js';\nexport const a = 'a' + c;\n");
  write('js/b.js', "import { c } from './c.js';\nexport const b = 'b' + c;\nexport const later = () => import('./lazy.js');\n");
  write('js/c.js', "export const c = 'c';\n");
  write('js/lazy.js', 'export default 1;\n');
  write('css/style.css', "@font-face { font-family: Inter; src: url(../fonts/inter.woff2) format('woff2'); font-display: block; }\n"
    + 'body { margin: 0; font-family: Inter, sans-serif; } h1 { font-size: 40px; }\n');
  fs.mkdirSync(path.join(input, 'fonts'));
  fs.copyFileSync(path.join(ROOT, 'examples/site/fonts/inter-latin-400.woff2'), path.join(input, 'fonts/inter.woff2'));
  const env = { env: { ...process.env, NO_COLOR: '1' } };
  const outputs = { plain: path.join(work, 'out-plain'), preload: path.join(work, 'out-preload') };
  await runAsync(bin, ['build', input, '-o', outputs.plain], env);
  await runAsync(bin, ['build', input, '-o', outputs.preload, ...PRELOAD_FLAGS], env);
  const manifest = JSON.parse(fs.readFileSync(path.join(outputs.preload, '.assetpipe/manifest.json'), 'utf8')).assets;
  const preloads = manifest['index.html'].preload ?? [];
  const problems = [];
  const seen = {};
  // Sides: the build without --preload (with the snippets), and the one with
  // it twice: by a plain nginx (no snippet: only the page's <link>s preload)
  // and with the snippets (Chromium preloads from the Link headers first).
  const sides = [['plain', outputs.plain, true], ['links', outputs.preload, false], ['headers', outputs.preload, true]];
  for (const [side, output, snippets] of sides) {
    const nginx = new Nginx(path.join(work, `nginx-${side}`), { input: output, output, spa: false });
    await nginx.start();
    const origin = `http://127.0.0.1:${snippets ? nginx.outPort : nginx.inPort}`;
    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      await page.setViewport(VIEWPORT);
      const cdp = await page.createCDPSession();
      await cdp.send('Network.enable');
      const rec = new Recorder(page, cdp, origin);
      const warnings = [];
      page.on('console', (m) => { if (m.type() === 'warning' && /preload/i.test(m.text())) warnings.push(m.text()); });
      const response = await page.goto(`${origin}/`, { waitUntil: 'load', timeout: 30000 });
      await settle(page, {});
      await sleep(3200); // Chromium warns of a preload not used within 3 s of load
      const state = await page.evaluate(() => ({
        app: document.documentElement.dataset.app ?? null,
        out: document.getElementById('out').textContent,
        font: document.fonts.check('40px Inter') && [...document.fonts].some((f) => f.family === 'Inter' && f.status === 'loaded'),
        resources: performance.getEntriesByType('resource').map((e) => ({ url: e.name, initiator: e.initiatorType })),
      }));
      const shot = path.join(work, `${side}.png`);
      await page.screenshot({ path: shot });
      const requests = {};
      const order = rec.mine('load').map((r) => new URL(r.url).pathname);
      for (const r of rec.mine('load')) requests[new URL(r.url).pathname] = (requests[new URL(r.url).pathname] ?? 0) + 1;
      if (process.env.BROWSER_SUITE_DEBUG) for (const r of rec.mine('load')) log(`  [${side}] ${r.url} ${r.type} ${JSON.stringify(r.initiator)} ${r.status}`);
      const initiators = Object.fromEntries(rec.mine('load').map((r) => [new URL(r.url).pathname, r.initiator?.type]));
      seen[side] = { state, shot, link: response.headers().link ?? '', requests, order, initiators };
      for (const f of rec.failures('load')) problems.push(`${side}: ${f.url}: ${f.why}`);
      for (const e of rec.errors('load')) problems.push(`${side}: console error: ${e.text}`);
      for (const w of warnings) problems.push(`${side}: console warning: ${w}`);
      if (state.app !== 'ran' || state.out !== 'ac bc' || !state.font) problems.push(`${side}: the page did not run or render as it should: ${JSON.stringify({ ...state, resources: undefined })}`);
      await context.close();
    } finally {
      await nginx.stop();
    }
  }
  const { plain, links, headers } = seen;
  if (plain && links && headers) {
    if (preloads.length !== 4) problems.push(`the manifest lists ${preloads.length} preloads, expected 3 modules and the font: ${JSON.stringify(preloads)}`);
    const app = `/${manifest['js/app.js'].file}`;
    for (const x of preloads) {
      // The <link>s alone: the parser asked for it (DevTools' initiator: an
      // import would be 'script'), and resource timing says a <link> did
      // (Chromium gives modulepreloads initiatorType 'other', fonts 'link').
      const fetched = links.state.resources.filter((r) => new URL(r.url).pathname === x.href);
      const want = x.as === 'font' ? ['link'] : ['link', 'other'];
      if (fetched.length !== 1 || !want.includes(fetched[0].initiator) || links.initiators[x.href] !== 'parser') {
        problems.push(`links: ${x.href}: resource timing ${JSON.stringify(fetched)}, DevTools initiator ${links.initiators[x.href]}; expected one fetch by the <link>`);
      }
      for (const [side, v] of [['links', links], ['headers', headers]]) {
        if (v.requests[x.href] !== 1) problems.push(`${side}: ${x.href} was requested ${v.requests[x.href] ?? 0} times, expected once`);
        // Preloaded: asked for before the script that imports it arrived.
        if (x.as === 'script' && !(v.order.indexOf(x.href) >= 0 && v.order.indexOf(x.href) < v.order.indexOf(app))) {
          problems.push(`${side}: ${x.href} was not requested before ${app} (${v.order.join(' ')})`);
        }
      }
      if (!headers.link.includes(`<${x.href}>`)) problems.push(`the page's Link header (${headers.link}) does not list ${x.href}`);
    }
    if (links.link) problems.push(`a plain nginx sent a Link header: ${links.link}`);
    const first = (v, re) => v.order.findIndex((u) => re.test(u));
    if (first(plain, /^\/js\/[abc]\./) < first(plain, /^\/js\/app\./)) problems.push(`without --preload, a module came before app.js: ${plain.order.join(' ')}`);
    if (plain.link) problems.push(`without --preload, the page has a Link header: ${plain.link}`);
    for (const side of ['links', 'headers']) {
      const cmp = compareShots(fs.readFileSync(plain.shot), fs.readFileSync(seen[side].shot), path.join(work, `diff-${side}.png`));
      if (cmp.ratio > MAX_DIFF_RATIO) problems.push(`${side}: the page does not render as without --preload (${(cmp.ratio * 100).toFixed(2)}% of the pixels differ${cmp.note ? `: ${cmp.note}` : ''})`);
    }
  }
  return { problems, preloads: preloads.length };
}

// ---------------------------------------------------------------------------
// Issue 18, item 1 in CSS: --picture writes image-set() after a background
// declaration. Served by a plain nginx (no Accept negotiation), Chromium
// takes the AVIF from the style sheet; the element shows the image as the
// build without --picture does (the JPEG), within codec loss.
// ---------------------------------------------------------------------------
const IMAGE_SET = 'image-set';

async function imageSetFeature(browser, bin, tmp) {
  const work = path.join(tmp, IMAGE_SET);
  const input = path.join(work, 'in');
  fs.mkdirSync(path.join(input, 'img'), { recursive: true });
  await makePhoto(browser, path.join(input, 'img/photo.jpg'));
  fs.writeFileSync(path.join(input, 'index.html'), [
    '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">',
    '<link rel="stylesheet" href="style.css"></head>',
    '<body><div class="hero"></div></body></html>', ''].join('\n'));
  fs.writeFileSync(path.join(input, 'style.css'), 'body { margin: 0; }\n'
    + '.hero { width: 640px; height: 400px; background: url(img/photo.jpg) center / cover no-repeat; }\n');
  const env = { env: { ...process.env, NO_COLOR: '1' } };
  const outputs = { plain: path.join(work, 'out-plain'), picture: path.join(work, 'out-picture') };
  await runAsync(bin, ['build', input, '-o', outputs.plain], env);
  await runAsync(bin, ['build', input, '-o', outputs.picture, '--picture'], env);
  const manifest = JSON.parse(fs.readFileSync(path.join(outputs.picture, '.assetpipe/manifest.json'), 'utf8')).assets;
  const photo = manifest['img/photo.jpg'];
  const problems = [];
  const seen = {};
  for (const [side, output] of Object.entries(outputs)) {
    const nginx = new Nginx(path.join(work, `nginx-${side}`), { input: output, output, spa: false });
    await nginx.start();
    const origin = `http://127.0.0.1:${nginx.inPort}`; // plain: no negotiation
    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      await page.setViewport(VIEWPORT);
      const cdp = await page.createCDPSession();
      await cdp.send('Network.enable');
      const rec = new Recorder(page, cdp, origin);
      await page.goto(`${origin}/`, { waitUntil: 'load', timeout: 30000 });
      await settle(page, {});
      const images = rec.mine('load').filter((r) => r.type === 'Image').map((r) => new URL(r.url).pathname.slice(1));
      const shot = path.join(work, `${side}.png`);
      await (await page.$('.hero')).screenshot({ path: shot });
      seen[side] = { images, shot, bg: await page.evaluate(() => getComputedStyle(document.querySelector('.hero')).backgroundImage) };
      for (const f of rec.failures('load')) problems.push(`${side}: ${f.url}: ${f.why}`);
      for (const e of rec.errors('load')) problems.push(`${side}: console error: ${e.text}`);
      await context.close();
    } finally {
      await nginx.stop();
    }
  }
  const avif = `${photo.file}.avif`;
  if (!photo.variants?.avif?.file) problems.push(`no AVIF kept: ${JSON.stringify(photo.variants)}`);
  else if (JSON.stringify(seen.picture?.images) !== JSON.stringify([avif])) problems.push(`with --picture Chromium loaded ${JSON.stringify(seen.picture?.images)}, expected only ${avif} (background-image: ${seen.picture?.bg})`);
  if (JSON.stringify(seen.plain?.images) !== JSON.stringify([photo.file])) problems.push(`without --picture: ${JSON.stringify(seen.plain?.images)}`);
  if (seen.plain && seen.picture) {
    // The same picture: AVIF against JPEG differs by codec loss only (a coarse threshold).
    const A = PNG.sync.read(fs.readFileSync(seen.plain.shot));
    const B = PNG.sync.read(fs.readFileSync(seen.picture.shot));
    const n = A.width === B.width && A.height === B.height
      ? pixelmatch(A.data, B.data, null, A.width, A.height, { threshold: 0.3 }) / (A.width * A.height) : 1;
    if (n > 0.01) problems.push(`the background does not look the same with --picture (${(n * 100).toFixed(2)}% of the pixels differ)`);
  }
  return { problems, loaded: seen.picture?.images ?? [] };
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------
async function main() {
  const args = process.argv.slice(2);
  const bin = args[0] ? path.resolve(args[0]) : null;
  const only = [];
  let keep = false;
  for (let i = 1; i < args.length; ++i) {
    if (args[i] === '--site') only.push(args[++i]);
    else if (args[i] === '--keep') keep = true;
    else die(`unknown argument ${args[i]}`);
  }
  preflight(bin);
  const puppeteer = (await import('puppeteer-core')).default;
  ({ PNG } = await import('pngjs'));
  pixelmatch = (await import('pixelmatch')).default;
  for (const name of only) if (name !== HTML_FEATURES && name !== PRELOAD && name !== IMAGE_SET && !SITE_LIST.some((s) => s.name === name)) die(`no site ${name}`);
  for (const name of Object.keys(KNOWN_BREAKS)) if (!SITE_LIST.some((s) => s.name === name)) die(`KNOWN_BREAKS names no site: ${name}`);

  const t0 = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'assetpipe-browser-'));
  // assetpipe finds esbuild and lightningcss in the repo's node_modules/.bin.
  process.env.PATH = `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`;
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...(process.getuid() === 0 ? ['--no-sandbox'] : []),
      '--no-proxy-server',
      // Nothing leaves the machine: other hosts fail at once, on both sides alike.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      '--disable-background-networking', '--disable-component-update', '--no-first-run',
      '--disable-gpu', '--font-render-hinting=none', '--force-color-profile=srgb', '--hide-scrollbars',
    ],
  });
  const results = [];
  let features = null;
  let preload = null;
  let imageSet = null;
  try {
    if (!only.length || only.includes(HTML_FEATURES)) {
      log(`browser suite: ${HTML_FEATURES}: <picture>, srcset widths, SRI (assetpipe ${HTML_FEATURE_FLAGS.join(' ')})`);
      try {
        features = await htmlFeatures(browser, bin, tmp);
      } catch (e) {
        features = { problems: [`ERROR ${e.stack || String(e)}`], measured: {} };
      }
    }
    if (!only.length || only.includes(PRELOAD)) {
      log(`browser suite: ${PRELOAD}: modulepreload and font preload links (assetpipe ${PRELOAD_FLAGS.join(' ')})`);
      try {
        preload = await preloadFeature(browser, bin, tmp);
      } catch (e) {
        preload = { problems: [`ERROR ${e.stack || String(e)}`] };
      }
    }
    if (!only.length || only.includes(IMAGE_SET)) {
      log(`browser suite: ${IMAGE_SET}: a CSS background with --picture, plain nginx`);
      try {
        imageSet = await imageSetFeature(browser, bin, tmp);
      } catch (e) {
        imageSet = { problems: [`ERROR ${e.stack || String(e)}`] };
      }
    }
    const sites = SITE_LIST.filter((site) => !only.length || only.includes(site.name));
    // One site ahead: the next input is built while the browser is on this one.
    const start = (i) => {
      if (i >= sites.length) return null;
      const p = prepareSite(bin, sites[i], tmp);
      p.catch(() => {}); // reported when its turn comes
      return p;
    };
    let next = start(0);
    for (let i = 0; i < sites.length; ++i) {
      const site = sites[i];
      const prepared = next;
      log(`browser suite: ${site.name}: ${site.what}`);
      try {
        await prepared;
      } catch (e) {
        next = start(i + 1);
        results.push({ site, error: e.stack || String(e), checks: {}, metrics: {} });
        continue;
      }
      next = start(i + 1);
      try {
        results.push(await runSite(browser, bin, site, prepared));
      } catch (e) {
        results.push({ site, error: e.stack || String(e), checks: {}, metrics: {} });
      }
    }
  } finally {
    await browser.close();
  }

  // --- verdicts
  const CHECKS = ['visit', 'screenshot', 'interaction', 'deploy'];
  let failed = 0;
  const lines = [];
  for (const r of results) {
    const known = KNOWN_BREAKS[r.site.name] || {};
    r.verdict = {};
    if (r.error) {
      lines.push(`\n${r.site.name}: ERROR\n${r.error}`);
      ++failed;
      continue;
    }
    for (const c of CHECKS) {
      const problems = r.checks[c];
      if (problems.length === 0 && !known[c]) r.verdict[c] = 'pass';
      else if (problems.length === 0) {
        r.verdict[c] = 'STALE';
        ++failed;
        lines.push(`\n${r.site.name} / ${c}: PASSES but KNOWN_BREAKS lists it ("${known[c]}"): remove the entry`);
      } else if (known[c]) {
        r.verdict[c] = 'known';
        lines.push(`\n${r.site.name} / ${c}: known break (${known[c]}):\n  ${problems.join('\n  ')}`);
      } else {
        r.verdict[c] = 'FAIL';
        ++failed;
        lines.push(`\n${r.site.name} / ${c}: FAIL\n  ${problems.join('\n  ')}`);
      }
    }
    if (r.note) lines.push(`${r.site.name}: note: ${r.note}`);
    for (const w of r.build1.warnings) lines.push(`${r.site.name}: assetpipe ${w}`);
  }
  if (features) {
    if (features.problems.length) {
      ++failed;
      lines.push(`\n${HTML_FEATURES}: FAIL\n  ${features.problems.join('\n  ')}`);
    }
    const m = features.measured;
    const b = features.before ?? { input: {}, default: {} };
    lines.push(`\n${HTML_FEATURES}: ${features.problems.length ? 'FAIL' : 'pass'}; bytes of a first visit `
      + '(CDP encodedDataLength), 480 px / 1600 px viewport:\n'
      + `  input served plainly:                      ${b.input[480] ?? '?'} / ${b.input[1600] ?? '?'}\n`
      + `  assetpipe defaults, nginx negotiation:     ${b.default[480] ?? '?'} / ${b.default[1600] ?? '?'}\n`
      + `  ${HTML_FEATURE_FLAGS.join(' ')}, plain nginx: ${m[480] ?? '?'} / ${m[1600] ?? '?'}`);
  }
  if (preload) {
    if (preload.problems.length) {
      ++failed;
      lines.push(`\n${PRELOAD}: FAIL\n  ${preload.problems.join('\n  ')}`);
    } else {
      lines.push(`\n${PRELOAD}: pass (${preload.preloads} preloads fetched by their <link>, once each; same page as without)`);
    }
  }
  if (imageSet) {
    if (imageSet.problems.length) {
      ++failed;
      lines.push(`\n${IMAGE_SET}: FAIL\n  ${imageSet.problems.join('\n  ')}`);
    } else {
      lines.push(`\n${IMAGE_SET}: pass (Chromium took ${imageSet.loaded.join(', ')} from image-set())`);
    }
  }
  for (const l of lines) log(l);

  log('\nPer site (failed, wrong type, console: the first visit and its interaction; bytes: encodedDataLength of CDP Network.loadingFinished, first and repeat page loads):');
  const cols = [
    ['site', 11], ['visit screenshot interaction deploy', 36], ['failed in/out', 14], ['wrong type in/out', 18],
    ['console in/out', 15], ['first visit in/out', 22], ['repeat visit in/out', 20], ['shot diff', 10], ['build 1st/2nd', 14], ['turn', 8],
  ];
  const row = (cells) => cells.map((c, i) => String(c).padEnd(cols[i][1])).join(' ').trimEnd();
  log(row(cols.map((c) => c[0])));
  for (const r of results) {
    const m = r.metrics;
    if (r.error) { log(row([r.site.name, 'ERROR'])); continue; }
    log(row([
      r.site.name, CHECKS.map((c) => r.verdict[c] ?? '-').join(' '),
      `${m.failedIn}/${m.failedOut}`, `${m.typeIn}/${m.typeOut}`, `${m.consoleIn}/${m.consoleOut}`,
      `${fmtBytes(m.firstIn)} / ${fmtBytes(m.firstOut)}`, `${fmtBytes(m.repeatIn)} / ${fmtBytes(m.repeatOut)}`,
      `${(m.shot * 100).toFixed(2)}%`, `${(r.build1.ms / 1000).toFixed(1)}/${(r.build2ms / 1000).toFixed(1)} s`,
      `${(r.ms / 1000).toFixed(1)} s`,
    ]));
  }
  log(`\nbrowser suite: ${((Date.now() - t0) / 1000).toFixed(1)} s; work folder ${keep || failed ? tmp : '(removed)'}`);
  if (!keep && !failed) fs.rmSync(tmp, { recursive: true, force: true });
  const total = results.length * CHECKS.length + (features ? 1 : 0) + (preload ? 1 : 0) + (imageSet ? 1 : 0);
  const known = results.reduce((n, r) => n + Object.values(r.verdict).filter((v) => v === 'known').length, 0);
  log(`browser suite: ${known} of the checks are known breaks (KNOWN_BREAKS in tests/browser/run.mjs)`);
  log(`${total - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => die(e.stack || String(e)));
