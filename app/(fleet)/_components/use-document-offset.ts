"use client";

import { type RefObject, useLayoutEffect, useState } from "react";

/**
 * How far below the top of the document the element starts, in pixels: null on the server and in
 * the first render (so hydration matches), then measured before the browser paints, and again whenever the window or the
 * page changes size (fonts arriving, a banner above, text wrapping at another width).
 */
export function useDocumentOffset(ref: RefObject<HTMLElement | null>): number | null {
  const [offset, setOffset] = useState<number | null>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setOffset(Math.round(element.getBoundingClientRect().top + window.scrollY));
    measure();
    // Whatever above the element grows or shrinks changes the body's height with it.
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    window.addEventListener("resize", measure);
    return () => {
      observer.disconnect();
      window.removeEventListener("resize", measure);
    };
  }, [ref]);
  return offset;
}
