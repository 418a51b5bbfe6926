// dynalite ships no types: a function of its options returning an http.Server.
declare module "dynalite" {
  import type { Server } from "node:http";
  const dynalite: (options?: {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    path?: string;
  }) => Server;
  export default dynalite;
}
