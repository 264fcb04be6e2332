// The matrix as one virtual list: group headers interleaved with rows. The API sends every
// group header (there are few: teams, environments, clusters, regions) with its row count, and
// rows only for the window asked for, so the browser can size the whole list, scroll anywhere,
// and fetch just the pages of rows that come into view.

export type FleetGroupHeader = { key: string; label: string; rows: number };

export type FleetMatrixItem = { kind: "header"; group: FleetGroupHeader; groupIndex: number } | { kind: "row"; row: number };

export type FleetMatrixLayout = {
  /** Headers plus rows. */
  size: number;
  itemAt: (index: number) => FleetMatrixItem;
};

/** Without groups the list is just the rows; with groups each group's header precedes its rows. */
export function layoutFleetMatrix(groups: readonly FleetGroupHeader[], totalRows: number): FleetMatrixLayout {
  if (groups.length === 0) {
    return { size: totalRows, itemAt: (index) => ({ kind: "row", row: index }) };
  }
  // starts[i]: the list index of group i's header; rowStarts[i]: the row number of its first row.
  const starts: number[] = [];
  const rowStarts: number[] = [];
  let index = 0;
  let row = 0;
  for (const group of groups) {
    starts.push(index);
    rowStarts.push(row);
    index += 1 + group.rows;
    row += group.rows;
  }
  return {
    size: index,
    itemAt(position) {
      // The last group whose header is at or before `position`.
      let low = 0;
      let high = starts.length - 1;
      while (low < high) {
        const middle = (low + high + 1) >> 1;
        if (starts[middle]! <= position) low = middle;
        else high = middle - 1;
      }
      const offset = position - starts[low]!;
      return offset === 0 ? { kind: "header", group: groups[low]!, groupIndex: low } : { kind: "row", row: rowStarts[low]! + offset - 1 };
    },
  };
}

/** The pages (of `pageSize` rows) holding rows first..last, inclusive. */
export function pagesForRows(first: number, last: number, pageSize: number): number[] {
  if (last < first) return [];
  const pages: number[] = [];
  for (let page = Math.floor(first / pageSize); page <= Math.floor(last / pageSize); page += 1) pages.push(page);
  return pages;
}
