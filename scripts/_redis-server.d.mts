/** A redis-server started by {@link startRedisServer}. */
export interface RedisServer {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export function startRedisServer(): Promise<RedisServer>;
