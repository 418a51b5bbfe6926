import { spawn, type ChildProcess } from "node:child_process";

export interface StandIn {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Runs an AWS service stand-in (a server's source, printing its port) in a child process: the tests
 * run Terraform synchronously, which would block a server in their own process.
 */
export async function startStandIn(server: string, env: Record<string, string>): Promise<StandIn> {
  const child: ChildProcess = spawn(process.execPath, ["-e", server], { env, stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8").trim()));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}
