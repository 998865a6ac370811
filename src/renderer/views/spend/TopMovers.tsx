import type { SpendMover } from '../../../shared/contract/index';
import { routeHash } from '../../routing/routes';
import type { SpendTodayResult } from '../../stores/spend.slice';
import { formatRate } from './spend-format';

function MoverRow({ mover, direction }: { mover: SpendMover; direction: 'up' | 'down' }) {
  const change = Math.abs(mover.changeUsdPerHour);
  const percent = mover.changeRatio === null ? null : Math.abs(mover.changeRatio * 100);
  const href = `${routeHash('endpoints')}/${encodeURIComponent(mover.endpointId)}`;
  return (
    <li className={`spend-mover is-${direction}`} data-testid={`spend-mover-${direction}`}>
      <span className="spend-mover-arrow" aria-hidden="true">
        {direction === 'up' ? '▲' : '▼'}
      </span>
      <span className="spend-mover-name">
        <a className="link" href={href}>
          {mover.name}
        </a>
        <span className="muted">
          {' '}
          {mover.model} · {mover.cluster}
        </span>
      </span>
      <span className="spend-mover-change">
        {direction === 'up' ? 'up' : 'down'} {formatRate(change)}
        {percent === null ? ' (from nothing)' : ` (${percent.toFixed(percent < 10 ? 1 : 0)} %)`}
      </span>
      <span className="spend-mover-rates muted">
        {formatRate(mover.baselineUsdPerHour)} → {formatRate(mover.currentUsdPerHour)}
      </span>
    </li>
  );
}

/** Endpoints whose spend rate changed most today, rising and falling, in words and arrows. */
export function TopMovers({ today }: { today: SpendTodayResult }) {
  const { up, down } = today.movers;
  return (
    <div className="spend-movers">
      <div>
        <h3 className="spend-subtitle">Rising</h3>
        {up.length === 0 ? (
          <p className="muted">No endpoint's spend rate rose today.</p>
        ) : (
          <ol className="spend-mover-list">
            {up.map((m) => (
              <MoverRow key={m.endpointId} mover={m} direction="up" />
            ))}
          </ol>
        )}
      </div>
      <div>
        <h3 className="spend-subtitle">Falling</h3>
        {down.length === 0 ? (
          <p className="muted">No endpoint's spend rate fell today.</p>
        ) : (
          <ol className="spend-mover-list">
            {down.map((m) => (
              <MoverRow key={m.endpointId} mover={m} direction="down" />
            ))}
          </ol>
        )}
      </div>
      <p className="spend-method">{today.movers.method}</p>
    </div>
  );
}
