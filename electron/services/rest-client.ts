import {
  endpoint,
  type BodyOf,
  type Endpoint,
  type EndpointOf,
  type OperationId,
  type ParamsOf,
  type QueryOf,
  type ResponseOf,
} from '../../shared/api/endpoints.ts';

// The typed REST client of the desktop app: a call names an operation of the endpoint table
// (shared/api/endpoints.ts) and passes its path parameters, query, body and If-Match version;
// the table gives the method and the path, and the answer has the type of the operation's
// response schema. `client.call('updateRole', { params: { id }, body, ifMatch })` resolves to a
// Role; a misspelt operation, a body field the schema does not have or a missing `:id` is a type
// error. Headers, TLS pinning, retries and error decoding are the transport's (backend-client.ts).

type Scalar = string | number | boolean | undefined;

/** What the transport sends: the table's method, the filled-in path and the request's parts. */
export interface PreparedRequest {
  method: Exclude<Endpoint['method'], 'ANY'>;
  path: string;
  query: Readonly<Record<string, Scalar>> | undefined;
  body: unknown;
  ifMatch: number | undefined;
}

/** A part of the input: absent when the operation has none; required unless every field of it is optional. */
type Part<K extends string, T, AlwaysRequired extends boolean> = [T] extends [undefined]
  ? { readonly [P in K]?: never }
  : AlwaysRequired extends true
    ? { readonly [P in K]: T }
    : object extends T
      ? { readonly [P in K]?: T }
      : { readonly [P in K]: T };

/**
 * The input of one operation. Params are required where the path has them; a body is required
 * where the operation takes one (the server answers 400 to a PATCH without one); the query is
 * optional where its fields are; ifMatch only on operations whose objects carry a version.
 */
export type CallInput<Op extends OperationId> = Part<'params', ParamsOf<Op>, true> &
  Part<'body', BodyOf<Op>, true> &
  Part<'query', QueryOf<Op>, false> &
  (EndpointOf<Op> extends { versioned: true } ? { readonly ifMatch?: number | undefined } : { readonly ifMatch?: never });

/** The arguments after the operation: none where nothing is required, else the input. */
export type CallArgs<Op extends OperationId> = object extends CallInput<Op> ? [input?: CallInput<Op>] : [input: CallInput<Op>];

/** Anything that answers typed calls: the backend client itself, or the session around it. */
export interface RestCaller {
  call<Op extends OperationId>(operationId: Op, ...args: CallArgs<Op>): Promise<ResponseOf<Op>>;
}

/** The input as the transport sees it (every operation's input is one of these). */
interface AnyInput {
  params?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, Scalar>>;
  body?: unknown;
  ifMatch?: number | undefined;
}

/** The request for one operation: method and path from the table, path parameters percent-encoded. */
export function prepareRequest<Op extends OperationId>(operationId: Op, ...[input]: CallArgs<Op>): PreparedRequest {
  const e: Endpoint = endpoint(operationId);
  if (e.method === 'ANY') throw new Error(`${operationId} is for proxies, not for the app`);
  // CallInput<Op> is one of AnyInput's shapes; TypeScript cannot see that for a generic Op.
  const parts = (input ?? {}) as AnyInput;
  return {
    method: e.method,
    path: fillPath(e.path, parts.params ?? {}),
    query: parts.query,
    body: parts.body,
    ifMatch: parts.ifMatch,
  };
}

/** `/v1/roles/:id` with `{ id: 'a/b' }` → `/v1/roles/a%2Fb`; a missing parameter is a programming error. */
export function fillPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = params[name];
    if (typeof value !== 'string' || value === '') throw new Error(`${template} needs the path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
