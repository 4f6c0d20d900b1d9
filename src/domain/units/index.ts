export { resolveUnit, getUnit, listCities, cityCodeOf, UNIT_REJECTIONS } from './registry';
export type { ResolvedUnit, UnitResolution, UnitRejection, CityEntry, CountyEntry, CountyKind } from './registry';
