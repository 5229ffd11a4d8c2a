//! `cairn-server`: `serve` (the default), `migrate`, `user create`.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::Context;
use cairn_protocol::users::Role;
use cairn_server::auth::accounts::create_account;
use cairn_server::cli::{Cli, Command, CreateUserArgs, UserCommand};
use cairn_server::store::users::InviteRule;
use cairn_server::{AppState, Settings, app, server, telemetry, validate};
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(&cli.settings) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("cairn-server: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cairn-server: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli.command.unwrap_or(Command::Serve), settings));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "cairn-server failed");
            eprintln!("cairn-server: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let state = AppState::connect(settings).await?;
            server::serve(state).await?;
        }
        Command::Migrate => {
            let url = app::redact(&settings.database_url);
            app::connect_store(&settings).await?;
            eprintln!("cairn-server: migrations applied to {url}");
        }
        Command::User(UserCommand::Create(args)) => create_user(settings, args).await?,
    }
    Ok(())
}

async fn create_user(settings: Settings, args: CreateUserArgs) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']);
    validate::username(&args.username).map_err(|e| anyhow::anyhow!("--username {e}"))?;
    validate::email(&args.email).map_err(|e| anyhow::anyhow!("--email {e}"))?;
    validate::password(password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let state = AppState::connect(settings).await?;
    let role = if args.admin { Role::Admin } else { Role::User };
    let user = create_account(
        &state,
        &args.username,
        &args.email,
        password,
        role,
        InviteRule::NotRequired,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "created {} ({}) with role {} and id {}",
        user.username,
        user.email,
        user.role.as_str(),
        user.id
    );
    Ok(())
}
