import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-110m.json';
import { echarts } from './echarts-setup';

export const WORLD_MAP = 'world';

/** A map with the world's bounds and nothing to draw, for a layer over the world (see ensureWorldMap). */
export const WORLD_FRAME_MAP = 'world-frame';

/** Natural Earth's Antarctica (ISO 3166 numeric 010): no cloud regions, a third of the height. */
const ANTARCTICA = '010';

let registered = false;

type Ring = number[][];

/**
 * Russia and Fiji cross the antimeridian; drawn as is, their rings jump from +180 to -180 and
 * streak across the whole map. Put such a ring on one side (lon may pass 180 by a few degrees).
 */
function unwrapRing(ring: Ring): Ring {
  let crosses = false;
  for (let i = 1; i < ring.length; i++) if (Math.abs(ring[i]![0]! - ring[i - 1]![0]!) > 180) crosses = true;
  if (!crosses) return ring;
  const east = ring.filter((p) => p[0]! > 0).length >= ring.length / 2;
  return ring.map(([lon, lat]) => [
    east && lon! < 0 ? lon! + 360 : !east && lon! > 0 ? lon! - 360 : lon!,
    lat!,
  ]);
}

function unwrapGeometry(geometry: { type: string; coordinates?: unknown }): void {
  if (geometry.type === 'Polygon') {
    geometry.coordinates = (geometry.coordinates as Ring[]).map(unwrapRing);
  } else if (geometry.type === 'MultiPolygon') {
    geometry.coordinates = (geometry.coordinates as Ring[][]).map((polygon) => polygon.map(unwrapRing));
  }
}

/** `[[west, north], [east, south]]` in degrees, ECharts' `boundingCoords` order. */
export type GeoBounds = [[number, number], [number, number]];

let bounds: GeoBounds | null = null;

function boundsOf(features: Array<{ geometry: { type: string; coordinates?: unknown } | null }>): GeoBounds {
  let west = Infinity;
  let east = -Infinity;
  let south = Infinity;
  let north = -Infinity;
  const visit = (value: unknown): void => {
    if (!Array.isArray(value)) return;
    if (typeof value[0] === 'number') {
      const [lon, lat] = value as number[];
      west = Math.min(west, lon!);
      east = Math.max(east, lon!);
      south = Math.min(south, lat!);
      north = Math.max(north, lat!);
      return;
    }
    for (const inner of value) visit(inner);
  };
  for (const f of features) visit(f.geometry?.coordinates);
  return [
    [west, north],
    [east, south],
  ];
}

/**
 * Registers the world's countries (Natural Earth 1:110m via the `world-atlas` package, converted
 * from TopoJSON with topojson-client) once per page, for any geo chart to use by name.
 */
export function ensureWorldMap(): string {
  if (registered) return WORLD_MAP;
  const topology = countries as unknown as Topology<{ countries: GeometryCollection }>;
  const collection = feature(topology, topology.objects.countries);
  const features = collection.features.filter((f) => String(f.id) !== ANTARCTICA);
  for (const f of features)
    if (f.geometry) unwrapGeometry(f.geometry as { type: string; coordinates?: unknown });
  bounds = boundsOf(features as Array<{ geometry: { type: string; coordinates?: unknown } | null }>);
  // registerMap's types want its own GeoJSON shape; the FeatureCollection is that at runtime.
  echarts.registerMap(WORLD_MAP, { type: 'FeatureCollection', features } as unknown as Parameters<
    typeof echarts.registerMap
  >[1]);
  // The frame: one rectangle over the same bounds, nothing drawn. A geo on it projects exactly
  // as one on the world (both are given worldBounds() as their boundingCoords), but ECharts
  // rebuilds one rectangle instead of every country when the chart on it updates.
  const [[west, north], [east, south]] = bounds;
  echarts.registerMap(WORLD_FRAME_MAP, {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { name: 'frame' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [west, north],
              [east, north],
              [east, south],
              [west, south],
              [west, north],
            ],
          ],
        },
      },
    ],
  } as unknown as Parameters<typeof echarts.registerMap>[1]);
  registered = true;
  return WORLD_MAP;
}

/** The registered world's bounds, for `boundingCoords`; registers the maps if needed. */
export function worldBounds(): GeoBounds {
  ensureWorldMap();
  return bounds!;
}
