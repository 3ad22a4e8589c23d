/**
 * Whether a process with this id runs. EPERM (it runs, as another user) counts as running: a
 * lock it holds is not ours to take.
 */
export function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
