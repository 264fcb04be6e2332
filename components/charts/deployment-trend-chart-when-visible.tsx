"use client";
// A deployment trend chart for below the fold: the frame (caption, description, legend, the
// plot's box at its final height) renders at once, on the server too, with the bars drawn as
// plain SVG (deployment-trend-static-bars.tsx); recharts is fetched and the interactive plot
// (tooltips, axes) drawn only once the plot's box comes on screen, so a page whose chart nobody
// scrolls to spends no script time on it. A full-page screenshot or a print of a page nobody
// scrolled shows the static bars instead of an empty box, and printing (beforeprint, or the print
// media query matching, as Chromium's page.pdf and emulateMedia do) draws the full chart.
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { DeploymentTrendFigure, type DeploymentTrendPoint } from "./deployment-trend-figure";
import { DeploymentTrendStaticBars } from "./deployment-trend-static-bars";

// Only ever rendered after `visible` turns true, which happens in the browser alone: no SSR.
const DeploymentTrendBars = lazy(() => import("./deployment-trend-bars").then((module) => ({ default: module.DeploymentTrendBars })));

export function DeploymentTrendChartWhenVisible({ points, label, height = 220 }: { points: DeploymentTrendPoint[]; label: string; height?: number }) {
  const [visible, setVisible] = useState(false);
  // A callback ref: observes the box it is given and stops when React lets go of it.
  const watch = useCallback((box: HTMLDivElement | null) => {
    if (!box) return;
    if (typeof IntersectionObserver === "undefined") {
      setVisible(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        setVisible(true);
        observer.disconnect();
      }
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (visible) return;
    const draw = () => setVisible(true);
    const print = window.matchMedia("print");
    if (print.matches) draw();
    const onChange = (event: MediaQueryListEvent) => {
      if (event.matches) draw();
    };
    print.addEventListener("change", onChange);
    window.addEventListener("beforeprint", draw);
    return () => {
      print.removeEventListener("change", onChange);
      window.removeEventListener("beforeprint", draw);
    };
  }, [visible]);
  const staticBars = <DeploymentTrendStaticBars points={points} />;
  return (
    <DeploymentTrendFigure points={points} label={label} height={height} plotRef={visible ? undefined : watch}>
      {visible ? (
        <Suspense fallback={staticBars}>
          <DeploymentTrendBars points={points} />
        </Suspense>
      ) : (
        staticBars
      )}
    </DeploymentTrendFigure>
  );
}
