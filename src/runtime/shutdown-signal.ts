const duplicateSignalMs = 1000;

/**
 * Calls `stop` once on SIGINT/SIGTERM; a second signal exits at once. One Ctrl-C can arrive more than once
 * (to the process group and forwarded by npm or by a parent process, see simulator-trust.ts): signals within
 * a second of the first are that same request.
 */
export function onShutdownSignal(stop: (signal: string) => Promise<void>): void {
  let stoppingSince: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < duplicateSignalMs) return;
      process.exit(130);
    }
    stoppingSince = Date.now();
    stop(signal).then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
