/**
 * Entry point of one isolated `dive bench` measurement: `node child.js '<BenchSpec JSON>'`.
 * Prints the BenchResult as JSON on stdout; progress lines on stderr.
 */
import { runBenchInProcess, type BenchSpec } from './run';

async function childMain(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as BenchSpec;
  const result = await runBenchInProcess(spec, (phase, i, ms, loss) => {
    process.stderr.write(`${spec.workload} ${spec.backend} ${phase} step ${i + 1}: ${ms.toFixed(1)} ms, loss ${loss.toFixed(4)}\n`);
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

childMain().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`${(err.stack ?? String(err)).split('\n')[0]}\n`);
    process.exit(1);
  },
);
