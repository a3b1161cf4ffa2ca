// After a passkey is registered, reload the page: the server then shows the
// new key and, the first time, the recovery codes.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
