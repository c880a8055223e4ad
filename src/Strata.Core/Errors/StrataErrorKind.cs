namespace Strata.Core.Errors;

/// <summary>
/// What kind of failure a <see cref="StrataException"/> is, so every surface answers it the same way: the server maps
/// each kind to one HTTP status in one place, the command line to one exit code.
/// </summary>
public enum StrataErrorKind
{
    /// <summary>The caller asked for something malformed or out of range (HTTP 400).</summary>
    Invalid,

    /// <summary>What the caller named does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>The request clashes with the current state, e.g. a name already taken (HTTP 409).</summary>
    Conflict,

    /// <summary>A backend Strata depends on cannot be reached or is failing right now, e.g. PostgreSQL is down (HTTP 503).</summary>
    Unavailable,
}
