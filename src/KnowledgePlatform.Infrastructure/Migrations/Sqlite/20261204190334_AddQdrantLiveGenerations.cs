using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KnowledgePlatform.Infrastructure.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddQdrantLiveGenerations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "IndexEpoch",
                columns: table => new
                {
                    KnowledgeBaseId = table.Column<string>(type: "TEXT", nullable: false),
                    Epoch = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IndexEpoch", x => x.KnowledgeBaseId);
                });

            migrationBuilder.CreateTable(
                name: "IndexTransition",
                columns: table => new
                {
                    DocumentId = table.Column<string>(type: "TEXT", nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", nullable: false),
                    KnowledgeBaseId = table.Column<string>(type: "TEXT", nullable: false),
                    LiveGeneration = table.Column<string>(type: "TEXT", nullable: true),
                    HiddenGenerations = table.Column<string>(type: "TEXT", nullable: false),
                    Owner = table.Column<string>(type: "TEXT", nullable: false),
                    LeaseExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IndexTransition", x => x.DocumentId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IndexTransition_KnowledgeBaseId",
                table: "IndexTransition",
                column: "KnowledgeBaseId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IndexEpoch");

            migrationBuilder.DropTable(
                name: "IndexTransition");
        }
    }
}
