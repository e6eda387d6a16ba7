/**
 * Ids of synthetic (condensed) images. Real sample ids are >= 0 (positions in the source files), so a
 * synthetic image made for cluster c gets id -(c + 1): negative, unique per cluster, never equal to a
 * real id, and reversible (clusterOfSyntheticId).
 */
export function syntheticId(clusterId: number): number {
  if (!Number.isInteger(clusterId) || clusterId < 0) {
    throw new Error(`syntheticId: clusterId must be an integer >= 0, got ${clusterId}.`);
  }
  return -(clusterId + 1);
}

export function isSyntheticId(id: number): boolean {
  return id < 0;
}

export function clusterOfSyntheticId(id: number): number {
  if (!isSyntheticId(id)) throw new Error(`clusterOfSyntheticId: ${id} is a real sample id (>= 0), not a synthetic one.`);
  return -id - 1;
}
