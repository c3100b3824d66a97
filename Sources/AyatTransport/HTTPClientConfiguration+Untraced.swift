import AsyncHTTPClient

extension HTTPClient.Configuration {
    /// This configuration with tracing off. Ayat bootstraps no tracer, yet by default
    /// AsyncHTTPClient opens a no-op span for every request and works out its attributes
    /// (the URL's parts, the body's size) only to drop them: 1 % of the bench process's CPU.
    public func untraced() -> Self {
        var configuration = self
        configuration.tracing.tracer = nil
        return configuration
    }
}
