// Key lists checked against TypeScript types at build time: listing a key the type lacks, or
// missing one it has, fails compilation. schema.json is tested against these lists.
type Missing<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;

export function exactKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    keys: K & ([Missing<T, K>] extends [never] ? unknown : { missingKeys: Missing<T, K> }),
  ): K => keys;
}
