using System.Security.Claims;
using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Audit;
using KnowledgePlatform.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace KnowledgePlatform.Server.Api;

/// <summary>
/// Portal users and roles. A tenant admin (or an admin key) manages their own tenant's users; a platform
/// admin manages every tenant's. Another tenant's user is as unknown as a missing one.
/// </summary>
public static class UserEndpoints
{
    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder api)
    {
        api.MapGet("/me", Me).RequireAuthorization(ApiScopes.Read).WithTags("Users").WithSummary("Who the credential is: tenant, role, scopes, groups");
        api.MapGet("/tenants", Tenants).RequireAuthorization(ApiScopes.Platform).WithTags("Users").WithSummary("Every tenant (platform admins: the tenant switcher)");
        var users = api.MapGroup("/users").WithTags("Users").RequireAuthorization(ApiScopes.Admin);
        users.MapGet("/", List).WithSummary("The tenant's portal users (platform admins: every tenant's, or ?tenant=)");
        users.MapGet("/roles", () => TypedResults.Ok(PortalRoles.All.Select(r => new { role = r, scopes = PortalRoles.Scopes(r) })))
            .WithSummary("The roles and the scopes each grants");
        users.MapPost("/", Create).WithSummary("Create a portal user with a role and groups");
        users.MapPut("/{id}", Update).WithSummary("Change a user's role, groups, display name or password");
        users.MapDelete("/{id}", Delete).WithSummary("Delete a portal user");
        return api;
    }

    private static Ok<MeDto> Me(ClaimsPrincipal user) => TypedResults.Ok(new MeDto(
        user.FindFirstValue("kp:display-name") ?? user.Identity?.Name ?? user.Actor(), user.TenantId(), user.Channel(), user.FindFirstValue(ClaimTypes.Role),
        user.FindAll(ApiKeyAuthenticationHandler.ScopeClaim).Select(c => c.Value).ToList(), user.FindAll(ApiKeyAuthenticationHandler.GroupClaim).Select(c => c.Value).ToList()));

    private static async Task<Ok<List<TenantDto>>> Tenants(KnowledgeDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Tenants.AsNoTracking().OrderBy(t => t.Name).Select(t => new TenantDto(t.Id, t.Name, t.PolicyTemplate)).ToListAsync(ct));

    private static bool IsPlatform(ClaimsPrincipal user) => user.HasClaim(ApiKeyAuthenticationHandler.ScopeClaim, ApiScopes.Platform);

    private static async Task<Ok<List<UserDto>>> List(string? tenant, ClaimsPrincipal user, UserManager<PortalUser> users, CancellationToken ct)
    {
        var query = users.Users.AsNoTracking();
        if (!IsPlatform(user)) query = query.Where(u => u.TenantId == user.TenantId());
        else if (!string.IsNullOrEmpty(tenant)) query = query.Where(u => u.TenantId == tenant);
        var list = await query.OrderBy(u => u.Email).ToListAsync(ct);
        var result = new List<UserDto>();
        foreach (var u in list) result.Add(await ToDtoAsync(u, users));
        return TypedResults.Ok(result);
    }

    private static async Task<UserDto> ToDtoAsync(PortalUser u, UserManager<PortalUser> users) =>
        new(u.Id, u.Email ?? "", u.DisplayName, u.TenantId, PortalRoles.Effective(await users.GetRolesAsync(u)), u.Groups, u.CreatedAt, u.LockoutEnd > DateTimeOffset.UtcNow);

    /// <summary>A user the caller may manage: their own tenant's, or any for a platform admin.</summary>
    private static async Task<PortalUser?> FindAsync(string id, ClaimsPrincipal caller, UserManager<PortalUser> users)
    {
        var found = await users.FindByIdAsync(id);
        return found is not null && (IsPlatform(caller) || found.TenantId == caller.TenantId()) ? found : null;
    }

    private static ProblemHttpResult? InvalidRole(string? role, ClaimsPrincipal caller) =>
        role is null ? null
        : !PortalRoles.All.Contains(role) ? ApiProblems.Validation("invalid_role", $"Roles are {string.Join(", ", PortalRoles.All)}.")
        : role == PortalRoles.PlatformAdmin && !IsPlatform(caller) ? ApiProblems.Problem(StatusCodes.Status403Forbidden, "insufficient_scope", "Only a platform admin can make a platform admin.")
        : null;

    private static ProblemHttpResult? InvalidGroups(IReadOnlyList<string>? groups) =>
        groups is not null && (groups.Count > 50 || groups.Any(g => g.Trim().Length is 0 or > 64 || g.Any(char.IsControl)))
            ? ApiProblems.Validation("invalid_groups", "Up to 50 groups of 1 to 64 characters each.")
            : null;

    private static ProblemHttpResult IdentityProblem(IdentityResult result) =>
        ApiProblems.Validation(result.Errors.Any(e => e.Code.Contains("Duplicate", StringComparison.Ordinal)) ? "email_taken" : "invalid_user",
            string.Join(" ", result.Errors.Select(e => e.Description)));

    private static async Task<Results<Created<UserDto>, ProblemHttpResult>> Create(
        CreateUserRequest request, ClaimsPrincipal caller, UserManager<PortalUser> users, KnowledgeDbContext db, AuditLog audit, CancellationToken ct)
    {
        var role = string.IsNullOrEmpty(request.Role) ? PortalRoles.Viewer : request.Role;
        if (InvalidRole(role, caller) is { } roleProblem) return roleProblem;
        if (InvalidGroups(request.Groups) is { } groupProblem) return groupProblem;
        var tenant = caller.TenantId();
        if (!string.IsNullOrEmpty(request.Tenant) && request.Tenant != tenant)
        {
            // Only a platform admin places users in another tenant; for anyone else that tenant does not exist.
            if (!IsPlatform(caller) || !await db.Tenants.AnyAsync(t => t.Id == request.Tenant, ct)) return ApiProblems.NotFound("tenant", request.Tenant);
            tenant = request.Tenant;
        }
        var user = new PortalUser
        {
            TenantId = tenant, UserName = request.Email?.Trim(), Email = request.Email?.Trim(), EmailConfirmed = true,
            DisplayName = request.DisplayName?.Trim(), Groups = request.Groups?.Select(g => g.Trim()).Distinct().ToList() ?? [],
        };
        var created = await users.CreateAsync(user, request.Password ?? "");
        if (!created.Succeeded) return IdentityProblem(created);
        await users.AddToRoleAsync(user, role);
        await audit.RecordAsync(caller, "user.created", user.Id, new { email = user.Email, role, tenant }, ct);
        return TypedResults.Created($"/api/v1/users/{user.Id}", await ToDtoAsync(user, users));
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> Update(
        string id, UpdateUserRequest request, ClaimsPrincipal caller, UserManager<PortalUser> users, AuditLog audit, CancellationToken ct)
    {
        var user = await FindAsync(id, caller, users);
        if (user is null) return ApiProblems.NotFound("user", id);
        if (InvalidRole(request.Role, caller) is { } roleProblem) return roleProblem;
        if (InvalidGroups(request.Groups) is { } groupProblem) return groupProblem;
        var current = PortalRoles.Effective(await users.GetRolesAsync(user));
        if (current == PortalRoles.PlatformAdmin && !IsPlatform(caller))
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, "insufficient_scope", "Only a platform admin can change a platform admin.");
        if (request.Groups is { } groups) user.Groups = groups.Select(g => g.Trim()).Distinct().ToList();
        if (request.DisplayName is { } name) user.DisplayName = name.Trim();
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded) return IdentityProblem(updated);
        if (request.Password is { Length: > 0 } password)
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var reset = await users.ResetPasswordAsync(user, token, password);
            if (!reset.Succeeded) return IdentityProblem(reset);
        }
        if (request.Role is { } role && role != current)
        {
            await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user));
            await users.AddToRoleAsync(user, role);
        }
        // Existing sign-ins pick up the change at their next validation.
        await users.UpdateSecurityStampAsync(user);
        await audit.RecordAsync(caller, "user.updated", user.Id, new { role = request.Role, groups = request.Groups, passwordChanged = request.Password is { Length: > 0 } }, ct);
        return TypedResults.Ok(await ToDtoAsync(user, users));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, ClaimsPrincipal caller, UserManager<PortalUser> users, AuditLog audit, CancellationToken ct)
    {
        var user = await FindAsync(id, caller, users);
        if (user is null) return ApiProblems.NotFound("user", id);
        if (PortalRoles.Effective(await users.GetRolesAsync(user)) == PortalRoles.PlatformAdmin && !IsPlatform(caller))
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, "insufficient_scope", "Only a platform admin can delete a platform admin.");
        await users.DeleteAsync(user);
        await audit.RecordAsync(caller, "user.deleted", id, new { email = user.Email }, ct);
        return TypedResults.NoContent();
    }
}
