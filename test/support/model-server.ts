import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that reached the fake model server. */
export interface ModelHit {
  /** `https://<host the client asked for>` behind the TLS proxy, else `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Path and query, as sent. */
  readonly path: string;
  readonly authorization: string | undefined;
  readonly xApiKey: string | undefined;
  readonly model: string;
}

export interface ModelServer {
  readonly server: Server;
  readonly port: number;
  readonly hits: ModelHit[];
  close(): Promise<void>;
}

const sse = (events: readonly [string | undefined, object][]): string =>
  events.map(([event, data]) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`).join('');

/** A short streamed answer ("ok") in the shape of the API the path names. */
function answer(path: string, model: string): string | undefined {
  if (/\/chat\/completions$/.test(path)) {
    const chunk = (delta: object, finish: string | null) => ({
      id: 'x',
      object: 'chat.completion.chunk',
      created: 0,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    return `${sse([
      [undefined, chunk({ role: 'assistant', content: 'ok' }, null)],
      [undefined, chunk({}, 'stop')],
    ])}data: [DONE]\n\n`;
  }
  if (/\/responses$/.test(path)) {
    const done = {
      id: 'r',
      object: 'response',
      status: 'completed',
      model,
      output: [{ type: 'message', id: 'o', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'ok', annotations: [] }] }],
      usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 },
    };
    return sse([
      ['response.created', { type: 'response.created', response: { ...done, status: 'in_progress', output: [] } }],
      ['response.output_text.delta', { type: 'response.output_text.delta', item_id: 'o', output_index: 0, content_index: 0, delta: 'ok' }],
      ['response.completed', { type: 'response.completed', response: done }],
    ]);
  }
  if (/\/messages$/.test(path)) {
    return sse([
      [
        'message_start',
        {
          type: 'message_start',
          message: { id: 'm', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: 1, output_tokens: 1 } },
        },
      ],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 1 } }],
      ['message_stop', { type: 'message_stop' }],
    ]);
  }
  return undefined;
}

function originOf(req: IncomingMessage, port: number): string {
  const proto = req.headers['x-forwarded-proto'];
  const host = req.headers['x-forwarded-host'];
  if (proto === 'https' && typeof host === 'string') return `https://${host.replace(/:443$/, '')}`;
  return `http://127.0.0.1:${port}`;
}

/**
 * A fake model server on 127.0.0.1 that answers the three wires Qwen Code
 * 0.24 speaks — Chat Completions, Responses, Anthropic Messages — with a
 * short stream, and records which URL, key header and model reached it.
 * Behind the TLS proxy it stands in for every https host.
 */
export async function startModelServer(): Promise<ModelServer> {
  const hits: ModelHit[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      let model = '';
      try {
        model = String((JSON.parse(body) as { model?: unknown }).model ?? '');
      } catch {
        /* not JSON */
      }
      const path = req.url ?? '/';
      const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
      hits.push({ origin: originOf(req, port), path, authorization: header('authorization'), xApiKey: header('x-api-key'), model });
      const text = answer(path.replace(/\?.*$/, ''), model);
      if (text === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
