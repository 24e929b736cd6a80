/**
 * A book cover that can never break a render: it holds the frame (delayRender) while its image loads and
 * releases it on every path, showing the image when it is usable and a placeholder otherwise. Remotion's <Img>
 * is deliberately not used, because it fails the render when an image errors.
 */
import React, {useCallback, useEffect, useRef, useState} from 'react';
import {continueRender, delayRender} from 'remotion';
import {COVER_TIMEOUT_MS, preloadCover, settledCover, type CoverResult} from './coverLoader';
import {CoverPlaceholder} from './CoverPlaceholder';
import {RADIUS, useTheme} from './theme';

export interface CoverProps {
  url: string | null;
  title: string;
  width: number;
  height: number;
  radius?: number;
  style?: React.CSSProperties;
}

/** Extra slack on top of the loader's own timeout before Remotion would give up on the frame. */
const DELAY_RENDER_SLACK_MS = 12000;
/** How long a decoded image may take to appear in its <img> before we stop holding the frame. */
const PAINT_GRACE_MS = 3000;

const CoverImage: React.FC<Required<Omit<CoverProps, 'style' | 'url'>> & {url: string}> = ({
  url,
  title,
  width,
  height,
  radius,
}) => {
  const [result, setResult] = useState<CoverResult | 'loading'>(() => settledCover(url) ?? 'loading');
  // Hold the frame until the image is on screen (or the placeholder is), unless the outcome is already known
  // and the image is in the memory cache.
  const [handle] = useState(() =>
    settledCover(url) === 'failed'
      ? null
      : delayRender(`Loading cover ${url.slice(0, 120)}`, {timeoutInMilliseconds: COVER_TIMEOUT_MS + DELAY_RENDER_SLACK_MS}),
  );
  const released = useRef(false);
  const release = useCallback(() => {
    if (handle !== null && !released.current) {
      released.current = true;
      continueRender(handle);
    }
  }, [handle]);

  useEffect(() => {
    let active = true;
    if (result === 'loading') {
      preloadCover(url).then((outcome) => {
        if (active) {
          setResult(outcome);
        }
      });
    }
    return () => {
      active = false;
    };
  }, [url, result]);

  useEffect(() => {
    if (result === 'failed') {
      release();
    }
    if (result === 'loaded') {
      const timer = setTimeout(release, PAINT_GRACE_MS);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [result, release]);

  // Whatever happens, an unmounted cover must not keep holding the render.
  useEffect(() => release, [release]);

  const onImageRef = useCallback(
    (image: HTMLImageElement | null) => {
      if (image !== null && image.complete && image.naturalWidth > 0) {
        release();
      }
    },
    [release],
  );

  if (result === 'loaded') {
    return (
      <img
        ref={onImageRef}
        src={url}
        alt=""
        decoding="sync"
        onLoad={release}
        onError={() => setResult('failed')}
        style={{
          display: 'block',
          width,
          height,
          objectFit: 'cover',
          borderRadius: radius,
          border: '1px solid rgba(255, 255, 255, 0.08)',
          boxSizing: 'border-box',
        }}
      />
    );
  }
  if (result === 'failed') {
    return <CoverPlaceholder title={title} width={width} height={height} radius={radius} />;
  }
  // Still loading: an empty box of the right size keeps the layout stable (this frame is never captured).
  return <div style={{width, height}} />;
};

/**
 * A cover, framed by a thin ring in the scene's text colour: a near-white cover on a pale tint, or a near-black one
 * on a deep tint, still has an edge.
 */
export const Cover: React.FC<CoverProps> = ({url, title, width, height, radius = RADIUS.cover, style}) => {
  const {colors} = useTheme();
  return (
    <div
      style={{
        width,
        height,
        flexShrink: 0,
        borderRadius: radius,
        boxShadow: `0 0 0 ${RING}px color-mix(in srgb, ${colors.text} 24%, transparent)`,
        ...style,
      }}
    >
      {url === null || url.trim() === '' ? (
        <CoverPlaceholder title={title} width={width} height={height} radius={radius} />
      ) : (
        <CoverImage key={url} url={url} title={title} width={width} height={height} radius={radius} />
      )}
    </div>
  );
};

/** The ring's width, in px. */
const RING = 3;
