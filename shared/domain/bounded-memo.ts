/** Remembers a function's results by key, forgetting the oldest beyond `max` so that no input can grow it without bound. */
export function boundedMemo<K, V>(compute: (key: K) => V, max: number): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as V;
    const value = compute(key);
    if (cache.size >= max) cache.delete(cache.keys().next().value as K);
    cache.set(key, value);
    return value;
  };
}
