"use client";

import { type InfiniteData, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import { mergeTimelineHead } from "@/lib/deployments/merge-timeline-head";
import type { TimelinePage } from "@/lib/deployments/timeline-deployment";
import { fetchTimelinePage } from "./fetch-timeline-page";

/**
 * The timeline's pages for one query string: the server's first page as initial data, keyset
 * "load more" through the API's cursor, and `refreshHead` for live updates, which reads the
 * first page again and merges it in (new rows on top, changed rows replaced, loaded depth kept).
 */
export function useTimeline(query: string, initialPage: TimelinePage) {
  const queryClient = useQueryClient();
  const queryKey = ["timeline", query] as const;
  const timeline = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchTimelinePage(query, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: { pages: [initialPage], pageParams: [null] },
    // Live updates keep the loaded pages current; a refetch of every loaded page is never needed.
    staleTime: Number.POSITIVE_INFINITY,
  });

  const [newIds, setNewIds] = useState<ReadonlySet<number>>(new Set());
  const refreshing = useRef<Promise<void> | undefined>(undefined);
  const again = useRef(false);

  const refreshHead = useCallback(async () => {
    // One refresh at a time; events during it cause exactly one more.
    if (refreshing.current) {
      again.current = true;
      return refreshing.current;
    }
    const run = async () => {
      do {
        again.current = false;
        const head = await fetchTimelinePage(query, null);
        let added: number[] = [];
        queryClient.setQueryData<InfiniteData<TimelinePage, string | null>>(["timeline", query], (current) => {
          if (!current) return current;
          const merged = mergeTimelineHead(current.pages, head);
          added = merged.added;
          return merged.reset
            ? { pages: merged.pages, pageParams: [null] }
            : { pages: merged.pages, pageParams: current.pageParams };
        });
        if (added.length > 0) setNewIds((seen) => new Set([...seen, ...added]));
      } while (again.current);
    };
    refreshing.current = run().finally(() => (refreshing.current = undefined));
    return refreshing.current;
  }, [query, queryClient]);

  return { ...timeline, newIds, refreshHead };
}
