/** The index names a plan (EXPLAIN (FORMAT JSON)'s 'QUERY PLAN') reads, in plan order. */
export function indexesOf(plan: unknown): string[] {
  const names: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const indexName = (node as Record<string, unknown>)['Index Name'];
      if (typeof indexName === 'string') names.push(indexName);
      Object.values(node).forEach(walk);
    }
  };
  walk(plan);
  return names;
}
