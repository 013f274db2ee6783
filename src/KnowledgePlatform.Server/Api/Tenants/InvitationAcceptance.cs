using KnowledgePlatform.Core.Domain;
using KnowledgePlatform.Infrastructure.Metadata;
using KnowledgePlatform.Server.Security;
using KnowledgePlatform.Server.Tenants;
using Microsoft.AspNetCore.Identity;

namespace KnowledgePlatform.Server.Api.Tenants;

/// <summary>
/// The invitation page's form post: checks the one-time link, creates the invitee's portal user with the chosen
/// password and signs them in. A link works once and only before it expires (decision 0156).
/// </summary>
public static class InvitationAcceptance
{
    public static async Task<IResult> AcceptAsync(HttpContext context, TenantInvitations invitations, SignInManager<PortalUser> signIn,
        KnowledgeDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (!await PortalAccountEndpoints.ValidFormAsync(context)) return TypedResults.LocalRedirect(PortalIdentity.BasePath + "/login?error=expired");
        var form = await context.Request.ReadFormAsync(ct);
        var token = form["token"].ToString();
        var password = form["password"].ToString();
        var displayName = form["displayName"].ToString().Trim();
        var invitation = await invitations.FindOpenAsync(token, ct);
        if (invitation is null) return TypedResults.LocalRedirect(PortalIdentity.BasePath + "/login?error=invitation_used");
        if (password != form["confirm"].ToString()) return Back(token, "The two passwords differ.");
        if (await signIn.UserManager.FindByEmailAsync(invitation.Email) is not null)
            return Back(token, "A portal user with this e-mail address already exists; sign in instead.");
        if (!await invitations.ClaimAsync(invitation, ct)) return TypedResults.LocalRedirect(PortalIdentity.BasePath + "/login?error=invitation_used");

        var user = new PortalUser
        {
            TenantId = invitation.TenantId, UserName = invitation.Email, Email = invitation.Email, EmailConfirmed = true,
            DisplayName = displayName.Length is > 0 and <= 200 ? displayName : null,
        };
        var created = await signIn.UserManager.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            await invitations.ReopenAsync(invitation, ct);
            return Back(token, string.Join(" ", created.Errors.Select(e => e.Description)));
        }
        await signIn.UserManager.AddToRoleAsync(user, invitation.Role);
        db.AuditRecords.Add(new AuditRecord
        {
            Id = Ids.New("aud"), TenantId = invitation.TenantId, At = clock.GetUtcNow(), Actor = $"user:{user.Id}", Channel = "portal",
            Action = "invitation.accept", Subject = invitation.Id,
        });
        await db.SaveChangesAsync(ct);
        await signIn.SignInAsync(user, isPersistent: false);
        return TypedResults.LocalRedirect(PortalIdentity.BasePath);
    }

    private static IResult Back(string token, string error) =>
        TypedResults.LocalRedirect($"{TenantInvitations.PagePath}?token={Uri.EscapeDataString(token)}&error={Uri.EscapeDataString(error)}");
}
