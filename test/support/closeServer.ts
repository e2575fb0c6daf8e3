import type { Server } from 'node:net';

/** Stops a stand-in's server, dropping kept-alive connections so the caller never waits on them. */
export async function closeServer(
  server: (Server & { closeAllConnections(): void }) | undefined,
): Promise<void> {
  if (!server) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
