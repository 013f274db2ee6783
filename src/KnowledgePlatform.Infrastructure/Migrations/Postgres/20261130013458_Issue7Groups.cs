using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace KnowledgePlatform.Infrastructure.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue7Groups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "Groups",
                table: "Documents",
                type: "text[]",
                nullable: false);

            migrationBuilder.AddColumn<string>(
                name: "Groups",
                table: "ApiKeys",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Groups",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "Groups",
                table: "ApiKeys");
        }
    }
}
