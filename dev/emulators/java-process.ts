import { spawn, execFileSync, type ChildProcess } from 'node:child_process';

let sdkRoots: string[] | undefined;

/** Where the Cloud SDK may be installed: `gcloud info`'s answer first, then the usual paths. */
export function cloudSdkRoots(): string[] {
  if (sdkRoots) return sdkRoots;
  const roots = ['/usr/lib/google-cloud-sdk', '/usr/share/google-cloud-sdk', '/google-cloud-sdk'];
  try {
    const root = execFileSync('gcloud', ['info', '--format=value(installation.sdk_root)'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (root) roots.unshift(root);
  } catch { /* gcloud missing: try the usual paths */ }
  return (sdkRoots = roots);
}

/** Detached emulators still running: killed if this process exits without stopping them, so none is orphaned. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.exitCode === null && !child.signalCode) child.kill('SIGKILL');
});

export interface EmulatorProcess {
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Runs an emulator's JVM (or script) and resolves once `readyUrl` answers 2xx. The JVM is run
 * directly where possible (the SDK's scripts do not exec it), so the PID held is the emulator's.
 * Its output is shown only when it fails to start (or always, with `verbose`).
 */
export async function startEmulatorProcess(name: string, command: string, args: string[], readyUrl: string, verbose = false): Promise<EmulatorProcess> {
  // Its own process group (detached): Ctrl-C signals the terminal's whole group, and the emulator
  // must outlive that signal so that `npm start` can still export its data; we stop it ourselves.
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 20_000) output = output.slice(-10_000);
    if (verbose) process.stderr.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(readyUrl, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    child,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}
