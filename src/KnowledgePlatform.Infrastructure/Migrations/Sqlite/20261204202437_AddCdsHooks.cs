using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KnowledgePlatform.Infrastructure.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddCdsHooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CdsClients",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Issuer = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    JwksUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Jwks = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastUsedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CdsClients", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CdsClients_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CdsInvocations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ServiceId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    KnowledgeBaseId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hook = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    HookInstance = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    CardCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Cards = table.Column<string>(type: "TEXT", nullable: false),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    DurationMs = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CdsInvocations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CdsInvocations_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CdsServices",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ServiceId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    KnowledgeBaseId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hook = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CdsServices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CdsServices_KnowledgeBases_KnowledgeBaseId",
                        column: x => x.KnowledgeBaseId,
                        principalTable: "KnowledgeBases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CdsServices_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CdsTokenUses",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CdsTokenUses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CdsTokenUses_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CdsClients_Issuer",
                table: "CdsClients",
                column: "Issuer");

            migrationBuilder.CreateIndex(
                name: "IX_CdsClients_TenantId_Issuer_ClientId",
                table: "CdsClients",
                columns: new[] { "TenantId", "Issuer", "ClientId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CdsInvocations_TenantId_At",
                table: "CdsInvocations",
                columns: new[] { "TenantId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CdsServices_KnowledgeBaseId",
                table: "CdsServices",
                column: "KnowledgeBaseId");

            migrationBuilder.CreateIndex(
                name: "IX_CdsServices_TenantId_ServiceId",
                table: "CdsServices",
                columns: new[] { "TenantId", "ServiceId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CdsTokenUses_ExpiresAt",
                table: "CdsTokenUses",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_CdsTokenUses_TenantId",
                table: "CdsTokenUses",
                column: "TenantId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CdsClients");

            migrationBuilder.DropTable(
                name: "CdsInvocations");

            migrationBuilder.DropTable(
                name: "CdsServices");

            migrationBuilder.DropTable(
                name: "CdsTokenUses");
        }
    }
}
