extension AuthOptions {
    /// Failed sign-ins per name and client address.
    var signInAddressRule: AttemptRule {
        AttemptRule(scope: "sign_in", limit: maxFailures, windowSeconds: failureWindowSeconds, counted: "failed sign-ins for this name from this address")
    }

    /// Failed sign-ins per name, from every address.
    var signInNameRule: AttemptRule {
        AttemptRule(scope: "sign_in_name", limit: maxFailuresPerName, windowSeconds: nameFailureWindowSeconds, counted: "failed sign-ins for this name")
    }

    /// Registrations per client address.
    var registrationAddressRule: AttemptRule {
        AttemptRule(
            scope: "register_address", limit: registrationsPerAddress, windowSeconds: registrationWindowSeconds, counted: "registrations from this address")
    }

    /// Registrations per tenant.
    var registrationTenantRule: AttemptRule {
        AttemptRule(scope: "register_tenant", limit: registrationsPerTenant, windowSeconds: registrationWindowSeconds, counted: "registrations in this tenant")
    }

    /// Refreshes per client address.
    var refreshAddressRule: AttemptRule {
        AttemptRule(scope: "refresh_address", limit: refreshesPerAddress, windowSeconds: refreshWindowSeconds, counted: "token refreshes from this address")
    }
}
