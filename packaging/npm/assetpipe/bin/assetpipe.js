#!/usr/bin/env node
// The `assetpipe` command of the npm package: finds the binary of this
// platform's package (an optionalDependency, installed by npm only where its
// os/cpu match) and runs it with the same arguments, stdio inherited; its exit
// status, or the signal that ended it, becomes this process's.
'use strict';

const { spawn } = require('child_process');
const os = require('os');
const path = require('path');

const PLATFORMS = {
  'linux x64': '@assetpipe/linux-x64',
};

function fail(message) {
  process.stderr.write(`assetpipe: error: ${message}\n`);
  process.exit(1);
}

function binaryPath() {
  const key = `${process.platform} ${process.arch}`;
  const pkg = PLATFORMS[key];
  if (!pkg) {
    fail(`there is no prebuilt assetpipe for ${key} (only ${Object.keys(PLATFORMS).join(', ')}); ` +
         'build it from source (see its README) and run that binary instead of this package');
  }
  let dir;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    fail(`the package ${pkg}, which holds the binary for ${key}, is not installed: it is an ` +
         'optional dependency of assetpipe, so installs with --omit=optional or --no-optional ' +
         'skip it; reinstall with `npm i -D assetpipe` (optional dependencies included)');
  }
  return path.join(dir, 'bin', 'assetpipe');
}

const binary = binaryPath();
const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit' });
// Ctrl-C reaches the binary from the terminal (same process group) and it
// cleans up; this process waits for it. Other signals sent to this process
// only are passed on.
const forwarded = ['SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
process.on('SIGINT', () => {});
for (const signal of forwarded) process.on(signal, () => child.kill(signal));
child.on('error', (err) => fail(`cannot run ${binary}: ${err.message}`));
child.on('exit', (code, signal) => {
  if (signal) {
    for (const s of [...forwarded, 'SIGINT']) process.removeAllListeners(s);
    process.kill(process.pid, signal);
    // A signal that Node ignores for itself (SIGPIPE): the shell's convention.
    setTimeout(() => process.exit(128 + (os.constants.signals[signal] || 0)), 200);
    return;
  }
  process.exit(code);
});
