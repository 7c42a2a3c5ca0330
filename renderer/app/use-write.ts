import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useSession } from './session.ts';
import { useToast } from './toasts.tsx';

export interface WriteOptions<A, R> {
  /** The confirmation toast (naming the server profile); none when omitted. */
  success?: string | ((result: R, args: A) => string);
  /** What to refetch afterwards: by default everything cached for the current profile. */
  invalidate?: (profileId: string | null) => QueryKey[];
}

/**
 * Every write in the console: busy state, error and invalidation in one place (TanStack Query's
 * useMutation). `mutateAsync` rejects with the IpcError, for a dialog to place on its fields.
 */
export function useWrite<A, R>(write: (args: A) => Promise<R>, options: WriteOptions<A, R> = {}) {
  const client = useQueryClient();
  const { profileId } = useSession();
  const toast = useToast();
  return useMutation({
    mutationFn: write,
    onSuccess: (result, args) => {
      for (const queryKey of options.invalidate?.(profileId) ?? [[profileId]]) void client.invalidateQueries({ queryKey });
      const message = typeof options.success === 'function' ? options.success(result, args) : options.success;
      if (message) toast({ message, severity: 'success' });
    },
  });
}
