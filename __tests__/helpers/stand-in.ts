import { spawn, type ChildProcess } from "node:child_process";

export interface StandIn {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Runs an AWS service stand-in (a server's source, or a file of it, printing its port) in a child
 * process: the tests run Terraform synchronously, which would block a server in their own process.
 */
export async function startStandIn(
  server: string | { readonly file: string },
  env: Record<string, string>,
): Promise<StandIn> {
  const args = typeof server === "string" ? ["-e", server] : [server.file];
  const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "inherit"] });
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
