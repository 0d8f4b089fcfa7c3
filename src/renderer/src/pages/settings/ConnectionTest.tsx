import { useState } from 'react';
import { ConnectionCandidate, type ConnectionTestResult } from '../../../../shared/contract';
import { api, messageOf } from '../../api';
import { sentence } from './settings-form';

/** Tries the typed address and key (or the saved ones) against Stash, before saving them. */
export function ConnectionTest({ stashUrl, apiKey }: { stashUrl: string; apiKey: string }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  // A result speaks for the address and key it was run with: once either is edited, it says nothing.
  // Cleared while rendering (React's pattern for state that follows props), not in an effect after.
  const [inputs, setInputs] = useState({ stashUrl, apiKey });
  if (inputs.stashUrl !== stashUrl || inputs.apiKey !== apiKey) {
    setInputs({ stashUrl, apiKey });
    setResult(null);
  }

  const test = async () => {
    const candidate: ConnectionCandidate = {};
    if (stashUrl.trim()) candidate.stashUrl = stashUrl.trim();
    if (apiKey.trim()) candidate.apiKey = apiKey;
    const check = ConnectionCandidate.safeParse(candidate);
    // The service refuses such an address outright; here it is said before asking.
    if (!check.success) return setResult({ ok: false, reason: sentence(check.error.issues[0]?.message ?? 'Invalid'), errorKind: 'other' });
    setBusy(true);
    setResult(null);
    try {
      setResult(await api.testConnection(candidate));
    } catch (error) {
      setResult({ ok: false, reason: messageOf(error), errorKind: 'other' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="connection-test">
      <button type="button" onClick={() => void test()} disabled={busy}>
        {busy ? 'Testing…' : 'Test connection'}
      </button>
      <span role="status" className={result ? (result.ok ? 'test-ok' : 'test-failed') : undefined}>
        {result && (result.ok ? `Connected: Stash ${result.version ?? '(version unknown)'}` : `Connection failed: ${result.reason}`)}
      </span>
    </div>
  );
}
