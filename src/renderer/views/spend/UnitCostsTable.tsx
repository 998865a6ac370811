import type { SpendUnitsResult } from '../../stores/spend.slice';
import { formatCount, formatMoney, formatUnitCost } from './spend-format';

/** $/1k tokens and $/1k requests per model over the range, costliest model first. */
export function UnitCostsTable({ units }: { units: SpendUnitsResult }) {
  if (units.models.length === 0) return <p className="muted">No model had spend in this range yet.</p>;
  return (
    <div className="spend-table-wrap">
      <table className="spend-table" data-testid="spend-unit-costs">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col" className="num">
              Endpoints
            </th>
            <th scope="col" className="num">
              Spend
            </th>
            <th scope="col" className="num">
              Tokens
            </th>
            <th scope="col" className="num">
              $ / 1k tokens
            </th>
            <th scope="col" className="num">
              $ / 1k requests
            </th>
          </tr>
        </thead>
        <tbody>
          {units.models.map((m) => (
            <tr key={m.model}>
              <th scope="row">{m.model}</th>
              <td className="num">{m.endpoints}</td>
              <td className="num">{formatMoney(m.spendUsd)}</td>
              <td className="num">{formatCount(m.tokens)}</td>
              <td className="num">{formatUnitCost(m.usdPer1kTokens)}</td>
              <td className="num">{formatUnitCost(m.usdPer1kRequests)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
