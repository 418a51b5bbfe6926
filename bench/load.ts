import { formatLoad, runLoad } from "./load-run";

/** npm run bench:load: 250 connections for 15 s against the local stack. */
void runLoad(Number(process.env.LOAD_CONNECTIONS ?? 250), Number(process.env.LOAD_SECONDS ?? 15)).then((r) => {
  console.log(formatLoad(r));
  process.exitCode = r.errors + r.non2xx + r.badBodies + r.droppedStreams === 0 ? 0 : 1;
});
