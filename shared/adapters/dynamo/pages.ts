/** Reading a paginated Query or Scan to its end: apart, so that a store using it bundles no other store's item mapping. */
type Key = Record<string, unknown> | undefined;

/** Every item of a paginated Query or Scan. */
export async function allPages(page: (start: Key) => Promise<{ Items?: Record<string, unknown>[]; LastEvaluatedKey?: Key }>) {
  const items: Record<string, unknown>[] = [];
  let start: Key;
  do {
    const res = await page(start);
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return items;
}
