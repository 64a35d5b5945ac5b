package io.sparkotel.bridge;

/** Thrown by the JNI shim when the Go core reports a failure; the message names the cause. */
public final class NativeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NativeException(String message) {
    super(message);
  }
}
