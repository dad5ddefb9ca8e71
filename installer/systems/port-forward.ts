/**
 * Port-forwarding to a pod, as `kubectl port-forward` does, with @kubernetes/client-node's PortForward:
 * a local TCP listener, and for each connection one WebSocket to the API server's
 * `pods/<name>/portforward` carrying its bytes both ways. The only module that opens such tunnels.
 */
import * as net from 'node:net';
import { Writable } from 'node:stream';
import { PortForward } from '@kubernetes/client-node';
import { ExitCode, UserError } from '../core/errors.js';
import { loadKubeConfig, type KubeOptions } from './kube.js';

export interface PodPort {
  readonly namespace: string;
  readonly pod: string;
  /** The container port to reach. */
  readonly port: number;
}

export interface Tunnel {
  /** The local port it listens on (the one asked for, or the one the system chose for 0). */
  readonly port: number;
  /** Stops listening and ends every open connection. */
  close(): Promise<void>;
}

export interface PortForwarder {
  /**
   * Listens on localhost `localPort` (0: any free port) and forwards each connection to the pod's port.
   * `onProblem` hears of a connection that could not be forwarded (the pod gone, the API refusing).
   */
  listen(target: PodPort, localPort: number, onProblem: (message: string) => void): Promise<Tunnel>;
}

interface Socketish {
  on(event: 'close', listener: () => void): void;
  close(): void;
}

export function createPortForwarder(opts: KubeOptions): PortForwarder {
  const kc = loadKubeConfig(opts);
  return {
    async listen(target, localPort, onProblem) {
      const open = new Set<net.Socket>();
      const where = `pod ${target.namespace}/${target.pod} port ${String(target.port)}`;
      const onConnection = (socket: net.Socket) => {
        open.add(socket);
        socket.on('close', () => open.delete(socket));
        socket.on('error', () => socket.destroy());
        // The pod side's error channel: what the node could not do (e.g. nothing listens on the port).
        const errors = new Writable({
          write(chunk: Buffer, _enc, done) {
            const text = chunk.toString('utf8').trim();
            if (text !== '') onProblem(`${where}: ${text}`);
            done();
          },
        });
        new PortForward(kc, true)
          .portForward(target.namespace, target.pod, [target.port], socket, errors, socket)
          .then((ws) => {
            // With no retries (the default) client-node hands back the WebSocket itself.
            const conn = ws as unknown as Socketish;
            conn.on('close', () => {
              socket.end();
            });
            socket.on('close', () => {
              conn.close();
            });
          })
          .catch((err: unknown) => {
            socket.destroy();
            onProblem(`cannot forward to ${where}: ${describe(err)}`);
          });
      };
      const v4 = await listenOn(net.createServer(onConnection), '127.0.0.1', localPort);
      const port = (v4.address() as net.AddressInfo).port;
      // Browsers may try ::1 for "localhost" first; serve it too where the machine has IPv6.
      const v6 = await listenOn(net.createServer(onConnection), '::1', port).catch(() => undefined);
      return {
        port,
        close: async () => {
          for (const s of open) s.destroy();
          await Promise.all(
            [v4, v6].map(
              (srv) =>
                new Promise<void>((resolve) => {
                  if (srv === undefined) resolve();
                  else
                    srv.close(() => {
                      resolve();
                    });
                }),
            ),
          );
        },
      };
    },
  };
}

function listenOn(server: net.Server, host: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (host === '::1') {
        reject(err);
        return;
      }
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES'
          ? new UserError(
              `--port ${String(port)}: cannot listen on localhost:${String(port)} (${err.code === 'EADDRINUSE' ? 'another process uses it' : 'not allowed'}); pick another port with --port`,
              ExitCode.usage,
            )
          : err,
      );
    });
    server.listen(port, host, () => {
      resolve(server);
    });
  });
}

/** client-node rejects with a WebSocket ErrorEvent, whose message says what the API server answered. */
function describe(err: unknown): string {
  const e = err as { message?: unknown; error?: { message?: unknown } } | undefined;
  const m = e?.error?.message ?? e?.message;
  return typeof m === 'string' && m !== '' ? m : String(err);
}
