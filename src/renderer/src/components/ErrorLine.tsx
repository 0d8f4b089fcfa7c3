/** A failure as one readable line; renders nothing without a message. */
export function ErrorLine({ message, className = '' }: { message: string | null | undefined; className?: string }) {
  if (!message) return null;
  return (
    <p role="alert" className={`error-line ${className}`}>
      {message}
    </p>
  );
}
