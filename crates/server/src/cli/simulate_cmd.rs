//! `manzil simulate whatsapp|sms|email`: a customer's message posted to a running server exactly
//! as the provider would post it — built from the agency's channel account in the configured
//! database (read as the system) and signed with its secret — so the inbox can be tried without
//! WhatsApp, Twilio or a mail server (`app::inbox::sandbox::simulate`).

use std::process::ExitCode;

use clap::{Args, Subcommand};

use app::inbox::sandbox::simulate::{self, Inbound};

use crate::serve::{build_app, open_db};

#[derive(Debug, Subcommand)]
pub enum SimulateCommand {
    /// A WhatsApp text, as the Cloud API posts it to /webhooks/whatsapp (X-Hub-Signature-256).
    Whatsapp {
        #[command(flatten)]
        target: Target,
        /// The customer's number in international form (+971501234567).
        #[arg(long)]
        from: String,
        #[arg(long)]
        text: String,
        /// The customer's WhatsApp profile name.
        #[arg(long)]
        name: Option<String>,
    },
    /// An SMS, as Twilio posts it to /webhooks/sms (X-Twilio-Signature).
    Sms {
        #[command(flatten)]
        target: Target,
        /// The customer's number in international form.
        #[arg(long)]
        from: String,
        #[arg(long)]
        text: String,
    },
    /// An e-mail, as raw MIME posted to /webhooks/email/{mailbox} (bearer inbound secret).
    Email {
        #[command(flatten)]
        target: Target,
        /// The customer's address.
        #[arg(long)]
        from: String,
        #[arg(long)]
        subject: String,
        #[arg(long)]
        text: String,
        /// The customer's display name.
        #[arg(long)]
        name: Option<String>,
    },
}

/// Which agency, and where its server is.
#[derive(Debug, Args)]
pub struct Target {
    /// The agency's slug (`dar`, `harbor` in the demo).
    #[arg(long)]
    tenant: String,
    /// The running server (default `http://127.0.0.1:{server.port}`).
    #[arg(long)]
    server: Option<String>,
}

pub async fn run(cmd: SimulateCommand, global: &super::GlobalArgs) -> anyhow::Result<ExitCode> {
    let config = global.config(None)?;
    let (target, inbound) = match cmd {
        SimulateCommand::Whatsapp { target, from, text, name } => (target, Inbound::Whatsapp { from, text, name }),
        SimulateCommand::Sms { target, from, text } => (target, Inbound::Sms { from, text }),
        SimulateCommand::Email { target, from, subject, text, name } => {
            (target, Inbound::Email { from, subject, text, name })
        }
    };
    let server = target.server.unwrap_or_else(|| format!("http://127.0.0.1:{}", config.server.port));
    let server = server.trim_end_matches('/').to_owned();
    // Twilio signs the URL it was configured with: `server.public_url`, else the server itself.
    let public_url = config.server.public_url.clone().unwrap_or_else(|| server.clone());
    let db = open_db(&config).await?;
    let built = match build_app(&config, db.clone()) {
        Ok(app) => simulate::build(&app, &target.tenant, &inbound, &public_url).await.map_err(anyhow::Error::from),
        Err(e) => Err(e),
    };
    db.close().await;
    let delivery = built?;
    let posted = simulate::post(&server, &delivery).await?;
    if (200..300).contains(&posted.status) {
        println!(
            "{} {}: delivered; it will appear in the inbox of {} ({}) in a moment.",
            posted.status, delivery.path, delivery.agency_name, delivery.channel_name
        );
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("{} {}: the server refused the delivery: {}", posted.status, delivery.path, posted.body.trim());
    if posted.status == 404 {
        eprintln!("  (is {server} the server whose database this is? pass --server, and --config / --data-dir)");
    }
    Ok(ExitCode::FAILURE)
}

/// Prints, after `serve --demo`'s logins, how to try the inbox.
pub fn print_try_the_inbox(agencies: &[app::demo::DemoAgency], domain: &str, port: u16) {
    let Some(first) = agencies.first() else { return };
    let slug = first.slug;
    println!();
    println!("  try the inbox (channels are served by the sandbox, nothing leaves this machine):");
    println!(
        "    manzil simulate whatsapp --tenant {slug} --from +971501234567 --name 'مريم' --text 'مرحبا، هل الشقة متاحة؟' --server http://127.0.0.1:{port}"
    );
    println!(
        "    with http://{slug}.{domain}:{port}/inbox open (signed in as agent1@{slug}.demo or admin@{slug}.demo) it appears live;"
    );
    println!(
        "    a reply goes to the sandbox, whose signed webhooks move it to SENT, DELIVERED, READ (put #fail in it to see a failure)."
    );
    for agency in agencies {
        let c = &agency.channels;
        println!(
            "    {}: WhatsApp {} (phone_number_id {}), SMS {}, e-mail {}",
            agency.slug, c.whatsapp_number, c.whatsapp_phone_number_id, c.sms_number, c.inbound_address
        );
    }
}
