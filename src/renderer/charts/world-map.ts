import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-110m.json';
import { echarts } from './echarts-setup';

export const WORLD_MAP = 'world';

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
  // registerMap's types want its own GeoJSON shape; the FeatureCollection is that at runtime.
  echarts.registerMap(WORLD_MAP, { type: 'FeatureCollection', features } as unknown as Parameters<
    typeof echarts.registerMap
  >[1]);
  registered = true;
  return WORLD_MAP;
}
