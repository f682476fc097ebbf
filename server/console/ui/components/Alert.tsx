// Messages announced to screen readers: errors interrupt (alert), confirmations wait (status).
export function ErrorText({ message }: { message: string | undefined }) {
  return message ? (
    <p class="error" role="alert">
      {message}
    </p>
  ) : null;
}

export function StatusText({ message }: { message: string | undefined }) {
  return (
    <p class="status" role="status">
      {message ?? ""}
    </p>
  );
}
